package dev.lifeline.bench;

import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 26: Trilead SSH-2, on each copy (Maven's build222, Jenkins' fork build217-jenkins-8 from Debian), against
 * Debian's OpenSSH with ssh-rsa and diffie-hellman-group14-sha1 enabled (the family speaks nothing newer). One window
 * per copy, all apps at once: the controls without the agent (an exec of {@code sleep 30000}, an idle read on a peer
 * whose packets are dropped) are still blocked when it closes, and the same apps with the agent
 * ({@code exec.timeout=3s}; keepalive 1 s x 3) have ended within their bounds, never as a success.
 */
class TrileadTest {
    static final String[] OLD_ALGORITHMS = {"KexAlgorithms +diffie-hellman-group14-sha1"};
    static final long HANGS_S = 8;
    @RegisterExtension
    static final OpenSshExtension CUT = OpenSshExtension.builder().config(OLD_ALGORITHMS)
            .requires(PacketDrop::available, "needs root and nft").build();
    @RegisterExtension
    static final OpenSshExtension LIVE = OpenSshExtension.builder().config(OLD_ALGORITHMS).build();

    /** The library directories under target/libs: one per copy. */
    static List<String> copies() {
        List<String> out = new ArrayList<>(Arrays.asList("trilead-build222"));
        if (Files.isDirectory(Bench.libs().resolve("trilead-jenkins-217"))) {
            out.add("trilead-jenkins-217");
        }
        return out;
    }

    static ForkedJvm.Builder app(String copy, String... args) {
        return Bench.app("TrileadExec", copy, Bench.defaultJdk()).args(args);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("copies")
    void controlsHangAndTheAgentEndsEachWithinItsBound(String copy) throws Exception {
        assertThat(Bench.libs().resolve(copy)).isDirectory();
        String marker = "30000." + (ProcessHandle.current().pid() % 10000) + copy.length();
        String sleep = "sleep " + marker;
        Map<String, ForkedJvm> controls = new LinkedHashMap<>();
        ForkedJvm exec = null;
        ForkedJvm idle = null;
        ForkedJvm works = null;
        try {
            works = Bench.withAgent(app(copy, LIVE.server().target("echo hi")), "mode=enforce").start();
            controls.put("exec sleep forever", app(copy, LIVE.server().targetUnprivileged(sleep)).start());
            controls.put("idle read, peer cut", app(copy, CUT.server().target("idle")).start());
            exec = Bench.withAgent(app(copy, LIVE.server().targetUnprivileged(sleep)), "exec.timeout=3s,exec.killGrace=1s").start();
            idle = Bench.withAgent(app(copy, CUT.server().target("idle")), JschKeepaliveTest.KEEPALIVE_1S_X3).start();
            works.awaitExit(30_000);
            assertThat(works.result()).containsEntry("status", "ok").containsEntry("exit", "0").containsEntry("out", "hi");
            assertThat(works.stderr()).anyMatch(l -> l.contains("event=session.configured") && l.contains("lib=trilead"));
            controls.get("exec sleep forever").awaitLine(Pattern.compile("^READY exec"), 30_000);
            controls.get("idle read, peer cut").awaitLine(Pattern.compile("^READY idle"), 30_000);
            exec.awaitLine(Pattern.compile("^READY exec"), 30_000);
            idle.awaitLine(Pattern.compile("^READY idle"), 30_000);
            long cut;
            try (PacketDrop drop = PacketDrop.on(CUT.server().port)) {
                cut = System.nanoTime();
                idle.awaitExit(30_000);
                long idleMs = (System.nanoTime() - cut) / 1_000_000L;
                Measurements.record("trilead keepalive 1s x3, idle read on a cut peer, " + copy, idleMs);
                // interval x (countMax + 1) + 1 s, and the exit of the JVM
                assertThat(idleMs).as("declared dead within 1 s x (3 + 1) + 1 s").isLessThan(6_000L);
                assertThat(idle.result().get("status")).isNotEqualTo("ok");
                assertThat(idle.stderr()).anyMatch(l -> l.contains("event=keepalive.declared-dead") && l.contains("lib=trilead"));

                exec.awaitExit(30_000);
                Map<String, String> r = exec.result();
                long execMs = Long.parseLong(r.get("exec_ms"));
                Measurements.record("trilead exec.timeout=3s, sleep forever, " + copy, execMs);
                assertThat(r.get("status")).as("a timed-out command is not a success").isNotEqualTo("ok");
                assertThat(r.get("exit")).isNotEqualTo("0");
                assertThat(execMs).isBetween(2900L, 7000L);
                assertThat(exec.stderr()).anyMatch(l -> l.contains("event=exec.deadline-fired") && l.contains("lib=trilead"));

                await().during(Duration.ofSeconds(Math.max(1, HANGS_S - (System.nanoTime() - cut) / 1_000_000_000L)))
                        .atMost(Duration.ofSeconds(HANGS_S + 5)).untilAsserted(() -> {
                    for (Map.Entry<String, ForkedJvm> e : controls.entrySet()) {
                        assertThat(e.getValue().isAlive()).as(e.getKey() + " (no agent) still blocked; it printed: "
                                + e.getValue().resultLine()).isTrue();
                    }
                });
            }
        } finally {
            controls.values().forEach(ForkedJvm::close);
            for (ForkedJvm j : new ForkedJvm[]{works, exec, idle}) {
                if (j != null) {
                    j.close();
                }
            }
            ExecDeadlineTest.killRemote(marker);
        }
    }
}
