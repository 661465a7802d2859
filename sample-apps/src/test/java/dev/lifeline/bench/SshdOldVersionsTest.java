package dev.lifeline.bench;

import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.SampleKeys;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 15, the oldest MINA SSHD lines served, {@value Versions#SSHD_2_7} (the one JGit 5.13 brings) and
 * {@value Versions#SSHD_2_8}: the unchanged MINA samples run on them against OpenSSH on this JDK, and each agent
 * feature is checked per version with the current sshd module: keepalive (dead peer within 1 s × (3 + 1) + 1 s),
 * exec deadline, close deadline, connect deadline, TCP keepalive seen by {@code ss}.
 */
class SshdOldVersionsTest {
    static final String KEEPALIVE_1S_X3 = "keepalive.interval=1s,keepalive.countMax=3";
    static final long BOUND_MS = 1000 * (3 + 1) + 2000;
    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().requires(PacketDrop::available, "needs root and nft").build();

    static ForkedJvm.Builder app(String name, String version) {
        return Bench.app(name, "sshd-" + version, Bench.defaultJdk());
    }

    @ParameterizedTest(name = "MINA {0}")
    @ValueSource(strings = {Versions.SSHD_2_7, Versions.SSHD_2_8})
    void theSamplesRunWithoutTheAgent(String version) throws Exception {
        try (ForkedJvm exec = app("MinaExec", version).args(SSHD.server().target("echo hi")).start();
             ForkedJvm idle = app("MinaIdleChannel", version).args(SSHD.server().target()).start()) {
            exec.awaitExit(30_000);
            assertThat(exec.result()).as(exec.output()).containsEntry("status", "ok").containsEntry("out", "hi");
            idle.awaitLine(Pattern.compile("^READY idle"), 30_000);
            assertThat(idle.isAlive()).isTrue();
        }
    }

    @ParameterizedTest(name = "MINA {0}")
    @ValueSource(strings = {Versions.SSHD_2_7, Versions.SSHD_2_8})
    void keepaliveDeclaresTheCutPeerDeadWithinTheBound(String version) throws Exception {
        try (ForkedJvm a = Bench.withAgent(app("MinaIdleChannel", version), KEEPALIVE_1S_X3).args(SSHD.server().target()).start()) {
            a.awaitLine(Pattern.compile("^READY idle"), 30_000);
            assertThat(a.stderr()).anyMatch(l -> l.contains("event=session.configured") && l.contains("lib=sshd")
                    && l.contains("keepalive.interval=1s(set)") && l.contains("keepalive.countMax=3(set)"));
            long ms;
            try (PacketDrop drop = PacketDrop.on(SSHD.server().port)) {
                long t0 = System.nanoTime();
                a.awaitLine(Pattern.compile("^RESULT "), BOUND_MS + 5000);
                ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            }
            Measurements.record("dead peer, MinaIdleChannel waitFor(CLOSED) MINA " + version + " under agent 1s x3", ms);
            assertThat(a.result().get("status")).isIn("closed", "error");
            assertThat(ms).isLessThanOrEqualTo(BOUND_MS);
        }
    }

    @ParameterizedTest(name = "MINA {0}")
    @ValueSource(strings = {Versions.SSHD_2_7, Versions.SSHD_2_8})
    void execTimeoutEndsSleepForeverWithNoFalseSuccess(String version) throws Exception {
        String command = ExecDeadlineTest.sleepForever();
        try (ForkedJvm a = Bench.withAgent(app("MinaExec", version), "exec.timeout=3s").args(SSHD.server().targetUnprivileged(command)).start()) {
            a.awaitExit(15_000);
            Map<String, String> r = a.result();
            long ms = Long.parseLong(r.get("exec_ms"));
            Measurements.record("exec.timeout=3s, sleep forever, MINA " + version, ms);
            assertThat(r.get("status")).isNotEqualTo("ok");
            assertThat(ms).isBetween(2900L, 5000L);
            await().atMost(Duration.ofSeconds(3)).until(() -> ExecDeadlineTest.remote(command) == 0);
            assertThat(a.stderr()).anyMatch(l -> l.contains("event=exec.deadline-fired") && l.contains("reason=exec.timeout"));
        } finally {
            ExecDeadlineTest.killRemote(command);
        }
    }

    @ParameterizedTest(name = "MINA {0}")
    @ValueSource(strings = {Versions.SSHD_2_7, Versions.SSHD_2_8})
    void closeOnACutPeerReturnsWithinCloseTimeout(String version) throws Exception {
        try (ForkedJvm a = Bench.withAgent(app("MinaCloseDeadPeer", version), CloseDeadlineTest.CLOSE_2S)
                .args(SSHD.server().target(Bench.STUCK_WRITERS)).keepStdin().start()) {
            a.awaitLine(Pattern.compile("^READY channels"), CloseDeadlineTest.STARTS_MS);
            try (PacketDrop drop = PacketDrop.on(SSHD.server().port)) {
                a.send("close");
                a.awaitExit(40_000);
            }
            long ms = Long.parseLong(a.result().get("close_ms"));
            Measurements.record("close.timeout=2s, close(false).await() with stuck writers, MINA " + version, ms);
            assertThat(a.result()).containsEntry("status", "ok");
            CloseDeadlineTest.assertClosePremise(a);
            CloseDeadlineTest.assertEndedByTheDeadline(a, ms);
        }
    }

    @ParameterizedTest(name = "MINA {0}")
    @ValueSource(strings = {Versions.SSHD_2_7, Versions.SSHD_2_8})
    void connectTimeoutEndsSynDropAndSilentListener(String version, @TempDir Path tmp) throws Exception {
        String key = SampleKeys.create(tmp).privateKey.toString();
        int port = PacketDrop.unboundPort();
        try (PacketDrop drop = PacketDrop.on(port); SilentListener silent = new SilentListener();
             ForkedJvm syn = Bench.withAgent(app("MinaExec", version), "connect.timeout=3s").args("127.0.0.1", String.valueOf(port), "nobody", key, "true").start();
             ForkedJvm mute = Bench.withAgent(app("MinaExec", version), "connect.timeout=3s").args("127.0.0.1", String.valueOf(silent.port()), "nobody", key, "true").start()) {
            for (ForkedJvm a : new ForkedJvm[]{syn, mute}) {
                a.awaitExit(60_000); // generous: its JVM start shares 2 cores with two other classes (CI once: only its first line at 15 s)
                long ms = Long.parseLong(a.result().get("connect_ms"));
                Measurements.record("connect deadline 3s, MINA " + version + ", " + (a == syn ? "SYN dropped" : "no banner"), ms);
                assertThat(a.result()).containsEntry("status", "error");
                assertThat(ms).isLessThanOrEqualTo(ConnectDeadlineTest.DEADLINE_MS + ConnectDeadlineTest.APP_SLACK_MS);
            }
        }
    }

    @ParameterizedTest(name = "MINA {0}")
    @ValueSource(strings = {Versions.SSHD_2_7, Versions.SSHD_2_8})
    void tcpKeepaliveIsVisibleFromOutsideTheJvm(String version) throws Exception {
        String agentArgs = "tcp.keepalive.idle=42s,tcp.keepalive.interval=7s,tcp.keepalive.count=4";
        try (ForkedJvm with = Bench.withAgent(app("MinaIdleChannel", version), agentArgs).args(SSHD.server().target()).start();
             ForkedJvm without = app("MinaIdleChannel", version).args(SSHD.server().target()).start()) {
            with.awaitLine(Pattern.compile("^READY idle"), 30_000);
            without.awaitLine(Pattern.compile("^READY idle"), 30_000);
            SocketStates.awaitOneKeepaliveTimer(SSHD.server().port, "(4[0-2]|3\\d)");
        }
    }
}
