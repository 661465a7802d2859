package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 4: an unchanged JSch app under the agent detects a silently dropped peer like OpenSSH with
 * ServerAliveInterval=1/ServerAliveCountMax=3 does, and every thread blocked on the session wakes.
 */
class JschKeepaliveTest {
    static final String KEEPALIVE_1S_X3 = "keepalive.interval=1s,keepalive.countMax=3";
    /** interval × (countMax + 1) + 2 s: app-measured, so with the slack of a loaded 2-core machine (CI saw 4884 ms) */
    static final long BOUND_MS = 1000 * (3 + 1) + 2000;

    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().requires(PacketDrop::available, "needs root and nft").build();
    /** sshd probing its clients: gives up on one after about interval x (countMax + 1) = 3 s. */
    @RegisterExtension
    static final OpenSshExtension PROBING = OpenSshExtension.builder().config("ClientAliveInterval 1", "ClientAliveCountMax 2")
            .onDemand().build();

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "JSCH_MWIEDE_OLD", "JSCH_JCRAFT"})
    void blockedShellReaderGetsEofWithinKeepaliveBound(Library library) throws Exception {
        try (ForkedJvm app = Bench.withAgent(Bench.app("JschIdleShell", library, Bench.defaultJdk()), KEEPALIVE_1S_X3)
                .args(SSHD.server().target()).start()) {
            long ms = PacketDrop.millisUntilAppGivesUp(app, "idle", SSHD.server().port);
            Measurements.record("dead peer, JschIdleShell " + library + " under agent 1s x3", ms);
            assertThat(app.result().get("status")).isIn("closed", "error");
            assertThat(ms).isLessThanOrEqualTo(BOUND_MS);
            assertThat(app.stderr()).anyMatch(l -> l.contains("event=session.configured")
                    && l.contains("keepalive.interval=1s(set)") && l.contains("keepalive.countMax=3(set)"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "JSCH_MWIEDE_OLD", "JSCH_JCRAFT"})
    void isClosedPollingLoopEndsWithinKeepaliveBoundAndIsNotASuccess(Library library) throws Exception {
        try (ForkedJvm app = Bench.withAgent(Bench.app("JschExec", library, Bench.defaultJdk()), KEEPALIVE_1S_X3)
                .args(SSHD.server().target("sleep 1000")).start()) {
            long ms = PacketDrop.millisUntilAppGivesUp(app, "exec", SSHD.server().port);
            Measurements.record("dead peer, JschExec isClosed() loop " + library + " under agent 1s x3", ms);
            assertThat(app.result().get("status")).isNotEqualTo("ok");
            assertThat(ms).isLessThanOrEqualTo(BOUND_MS);
        }
    }

    @Test
    void openSshClientWithTheSameSettingsIsTheReference() throws Exception {
        try (OpenSshClient ssh = OpenSshClient.start(SSHD.server(), "echo READY; exec sleep 1000",
                "ServerAliveInterval=1", "ServerAliveCountMax=3")) {
            ssh.awaitLine("READY");
            try (PacketDrop drop = PacketDrop.on(SSHD.server().port)) {
                long t0 = System.nanoTime();
                assertThat(ssh.waitForExit(60_000)).as("ssh gave up on the dead peer").isTrue();
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                Measurements.record("dead peer, OpenSSH client ServerAliveInterval=1 CountMax=3", ms);
                assertThat(ms).isLessThanOrEqualTo(BOUND_MS);
            }
        }
    }

    @Test
    void withoutTheAgentTheSameSessionStaysBlocked() throws Exception {
        try (ForkedJvm app = Bench.app("JschIdleShell", Library.JSCH_MWIEDE, Bench.defaultJdk()).args(SSHD.server().target()).start()) {
            app.awaitLine(Pattern.compile("^READY idle"), 30_000);
            try (PacketDrop drop = PacketDrop.on(SSHD.server().port)) {
                org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(BOUND_MS + 3000))
                        .atMost(java.time.Duration.ofMillis(BOUND_MS + 5000)).until(app::isAlive);
                assertThat(app.result()).isEmpty();
            }
        }
    }

    @Test
    void tcpKeepaliveAloneDetectsTheDeadPeer() throws Exception {
        String tcpOnly = "keepalive.interval=0,tcp.keepalive.idle=1s,tcp.keepalive.interval=1s,tcp.keepalive.count=2";
        try (ForkedJvm app = Bench.withAgent(Bench.app("JschIdleShell", Library.JSCH_MWIEDE, Bench.defaultJdk()), tcpOnly)
                .args(SSHD.server().target()).start()) {
            app.awaitLine(Pattern.compile("^READY idle"), 30_000);
            SocketStates.awaitQuiet(SSHD.server().port);
            long ms = PacketDrop.millisUntilAppGivesUp(app, "idle", SSHD.server().port);
            Measurements.record("dead peer, TCP keepalive only idle=1s interval=1s count=2 (JSch mwiede)", ms);
            assertThat(app.result().get("status")).isIn("closed", "error");
            // kernel: idle + interval x count, plus the probe timer's granularity
            assertThat(ms).isLessThanOrEqualTo(1000 + 1000 * 2 + 3000);
        }
    }

    @Test
    void tcpKeepaliveIsVisibleFromOutsideTheJvm() throws Exception {
        String agentArgs = "tcp.keepalive.idle=42s,tcp.keepalive.interval=7s,tcp.keepalive.count=4";
        try (ForkedJvm with = Bench.withAgent(Bench.app("JschIdleShell", Library.JSCH_JCRAFT, Bench.defaultJdk()), agentArgs)
                .args(SSHD.server().target()).start();
             ForkedJvm without = Bench.app("JschIdleShell", Library.JSCH_JCRAFT, Bench.defaultJdk()).args(SSHD.server().target()).start()) {
            with.awaitLine(Pattern.compile("^READY idle"), 30_000);
            without.awaitLine(Pattern.compile("^READY idle"), 30_000);
            SocketStates.awaitOneKeepaliveTimer(SSHD.server().port, "(4[0-2]|3\\d)");
        }
    }

    @Test
    void idleSessionStillAnswersTheServersClientAliveProbes() throws Exception {
        OpenSshServer probing = PROBING.server();
        try (ForkedJvm mwiede = Bench.withAgent(Bench.app("JschIdleExec", Library.JSCH_MWIEDE, Bench.defaultJdk()), null)
                     .args(probing.target("30", "echo alive")).start();
             ForkedJvm jcraft = Bench.withAgent(Bench.app("JschIdleExec", Library.JSCH_JCRAFT, Bench.defaultJdk()), null)
                     .args(probing.target("30", "echo alive")).start()) {
            for (ForkedJvm app : new ForkedJvm[]{mwiede, jcraft}) {
                app.awaitExit(90_000);
                Map<String, String> r = app.result();
                assertThat(r).containsEntry("status", "ok").containsEntry("out", "alive");
            }
        }
    }

    @Test
    void fillLeavesTheAppsOwnTimeoutWhichIsAlreadyAKeepaliveInJsch() throws Exception {
        try (ForkedJvm app = Bench.withAgent(Bench.app("JschExec", Library.JSCH_MWIEDE, Bench.defaultJdk()), null)
                .jvmArg("-Dsample.timeoutMs=5000").args(SSHD.server().target("echo hi")).start()) {
            app.awaitExit(60_000);
            assertThat(app.result()).containsEntry("status", "ok");
            assertThat(app.stderr()).anyMatch(l -> l.contains("event=session.configured")
                    && l.contains("keepalive.interval=5s(app)") && !l.contains("keepalive.countMax"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "JSCH_JCRAFT"})
    void tcpKeepaliveReachesSocketsMadeByTheAppsOwnSocketFactory(Library library) throws Exception {
        try (ForkedJvm app = Bench.withAgent(Bench.app("JschIdleShell", library, Bench.defaultJdk()), "tcp.keepalive.idle=42s")
                .jvmArg("-Dsample.socketFactory=true").args(SSHD.server().target()).start()) {
            app.awaitLine(Pattern.compile("^READY idle"), 30_000);
            SocketStates.awaitOneKeepaliveTimer(SSHD.server().port, "(4[0-2]|3\\d)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "JSCH_JCRAFT"})
    void tcpKeepaliveReachesTheSocketToAnHttpProxy(Library library) throws Exception {
        try (HttpConnectProxy proxy = new HttpConnectProxy();
             ForkedJvm app = Bench.withAgent(Bench.app("JschIdleShell", library, Bench.defaultJdk()), "tcp.keepalive.idle=42s")
                     .jvmArg("-Dsample.httpProxy=127.0.0.1:" + proxy.port()).args(SSHD.server().target()).start()) {
            app.awaitLine(Pattern.compile("^READY idle"), 30_000);
            SocketStates.awaitOneKeepaliveTimer(proxy.port(), "(4[0-2]|3\\d)");
        }
    }
}
