package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 23: JDK 11 is still common on fleets. The protections on Debian bullseye's OpenJDK 11 (which {@code .ci/run}
 * installs with a low pin priority), against real OpenSSH: each library's exec deadline, and a dead peer found by the
 * keepalive. JDK 8 has no runtime that installs here: the agent's Java 8 bytecode is checked by {@code JarVersionTest}.
 */
class Jdk11Test {
    static final Path JDK11 = Paths.get(System.getProperty("lifeline.test.jdk11", "/usr/lib/jvm/java-11-openjdk-amd64"));

    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().requires(PacketDrop::available, "needs root and nft").build();

    @BeforeAll
    static void jdk11() {
        boolean present = Files.isExecutable(JDK11.resolve("bin/java"));
        if (System.getenv("CI") != null) { // .ci/run installs it: missing there is a failure, not a skip
            assertThat(present).as("JDK 11 at " + JDK11 + " (installed by .ci/run)").isTrue();
        }
        Assumptions.assumeTrue(present, "JDK 11 not installed at " + JDK11 + " (.ci/run installs it)");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"JschExec", "MinaExec", "SshjExec"})
    void execTimeoutEndsACommandThatNeverExits(String app) throws Exception {
        String dir = app.startsWith("Jsch") ? Library.JSCH_MWIEDE.dir : app.startsWith("Mina") ? Library.SSHD.dir : "sshj-" + Versions.SSHJ;
        String command = ExecDeadlineTest.sleepForever();
        try (ForkedJvm jvm = Bench.withAgent(Bench.app(app, dir, JDK11), "exec.timeout=3s")
                .args(SSHD.server().targetUnprivileged(command)).start()) {
            jvm.awaitExit(30_000);
            Map<String, String> r = jvm.result();
            assertThat(r.get("status")).isNotEqualTo("ok");
            assertThat(Long.parseLong(r.get("exec_ms"))).isBetween(2900L, 5000L);
            assertThat(jvm.stderr()).anyMatch(l -> l.contains("event=agent.started") && l.contains(" jdk=11."));
            assertThat(jvm.stderr()).anyMatch(l -> l.contains("event=exec.deadline-fired") && l.contains("reason=exec.timeout"));
        } finally {
            ExecDeadlineTest.killRemote(command);
        }
    }

    @Test
    void aSilentlyDroppedPeerIsDeclaredDeadWithinTheKeepaliveBound() throws Exception {
        try (ForkedJvm jvm = Bench.withAgent(Bench.app("JschIdleShell", Library.JSCH_MWIEDE, JDK11), JschKeepaliveTest.KEEPALIVE_1S_X3)
                .args(SSHD.server().target()).start()) {
            long ms = PacketDrop.millisUntilAppGivesUp(jvm, "idle", SSHD.server().port);
            assertThat(jvm.result().get("status")).isIn("closed", "error");
            assertThat(ms).isLessThanOrEqualTo(JschKeepaliveTest.BOUND_MS);
        }
    }
}
