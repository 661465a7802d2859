package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import java.util.regex.Pattern;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 23: JDK 11 is still common on fleets. The protections on Debian bullseye's OpenJDK 11 (which {@code .ci/run}
 * installs with a low pin priority), against real OpenSSH: each library's exec deadline, and a dead peer found by the
 * keepalive. JDK 8 has no runtime that installs here: the agent's Java 8 bytecode is checked by {@code JarVersionTest}.
 */
class Jdk11Test {

    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().requires(PacketDrop::available, "needs root and nft").build();

    @BeforeAll
    static void jdk11() {
        boolean present = Files.isExecutable(Bench.JDK11.resolve("bin/java"));
        if (System.getenv("CI") != null) { // .ci/run installs it: missing there is a failure, not a skip
            assertThat(present).as("JDK 11 at " + Bench.JDK11 + " (installed by .ci/run)").isTrue();
        }
        Assumptions.assumeTrue(present, "JDK 11 not installed at " + Bench.JDK11 + " (.ci/run installs it)");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"JschExec", "MinaExec", "SshjExec"})
    void execTimeoutEndsACommandThatNeverExits(String app) throws Exception {
        String dir = app.startsWith("Jsch") ? Library.JSCH_MWIEDE.dir : app.startsWith("Mina") ? Library.SSHD.dir : "sshj-" + Versions.SSHJ;
        String command = ExecDeadlineTest.sleepForever();
        try (ForkedJvm jvm = Bench.withAgent(Bench.app(app, dir, Bench.JDK11), "exec.timeout=3s")
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
        try (ForkedJvm jvm = Bench.withAgent(Bench.app("JschIdleShell", Library.JSCH_MWIEDE, Bench.JDK11), JschKeepaliveTest.KEEPALIVE_1S_X3)
                .args(SSHD.server().target()).start()) {
            long ms = PacketDrop.millisUntilAppGivesUp(jvm, "idle", SSHD.server().port);
            assertThat(jvm.result().get("status")).isIn("closed", "error");
            assertThat(ms).isLessThanOrEqualTo(JschKeepaliveTest.BOUND_MS);
        }
    }

    /**
     * {@code attach} and {@code status} across JDKs: the CLI on 17 into a JVM on 11, and the CLI on 11 into a JVM on
     * 17. JschAttachLater (JSch loaded, one session open) gets Lifeline with {@code keepalive.interval=7s}; the
     * session opened after it has the interval, the one before keeps its own.
     */
    @ParameterizedTest(name = "CLI on {0}, app on {1}")
    @CsvSource({"17, 11", "11, 17"})
    void attachAndStatusAcrossJdk11(String cliJdk, String appJdk, @TempDir Path dir) throws Exception {
        Path cli = cliJdk.equals("11") ? Bench.JDK11 : Bench.defaultJdk();
        Path config = Files.writeString(dir.resolve("lifeline.properties"), "keepalive.interval = 7s\n");
        try (ForkedJvm app = Bench.app("JschAttachLater", Library.JSCH_MWIEDE, appJdk.equals("11") ? Bench.JDK11 : Bench.defaultJdk())
                .args(SSHD.server().target()).keepStdin().start()) {
            app.awaitLine(Pattern.compile("^READY first"), 30_000);
            AgentCli attach = AgentCli.runOn(cli, "attach", String.valueOf(app.pid()), config.toString());
            assertThat(attach.exit).as(attach.output).isZero();
            assertThat(attach.output).contains("PROTECTED: " + app.pid() + " runs Lifeline, active, with " + config);
            AgentCli status = AgentCli.runOn(cli, "status", String.valueOf(app.pid()));
            assertThat(status.exit).as(status.output).isZero();
            assertThat(status.output).containsPattern("^Lifeline \\d+\\.\\d+\\S* in JVM " + app.pid())
                    .containsPattern("(?m)^state: +active");
            app.send("go");
            app.awaitExit(30_000);
            assertThat(app.result()).containsEntry("status", "ok").containsEntry("before_interval", "0")
                    .containsEntry("after_interval", "7000");
            assertThat(app.stderr()).anyMatch(l -> l.contains("event=agent.started") && l.contains(" jdk=" + appJdk + "."));
        }
    }
}
