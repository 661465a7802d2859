package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 5: an unchanged Apache MINA SSHD client app under the agent detects a silently dropped peer, keeps TCP
 * keepalive on its socket, still answers the server's probes, and is not idled out while the server answers.
 */
class SshdKeepaliveTest {
    static final String KEEPALIVE_1S_X3 = "keepalive.interval=1s,keepalive.countMax=3";
    static final long BOUND_MS = 1000 * (3 + 1) + 2000;

    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().requires(PacketDrop::available, "needs root and nft").build();
    /** sshd probing its clients: gives up on one after about interval x (countMax + 1) = 3 s. */
    @RegisterExtension
    static final OpenSshExtension PROBING = OpenSshExtension.builder().config("ClientAliveInterval 1", "ClientAliveCountMax 2")
            .onDemand().build();

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"SSHD", "SSHD_OLD", "SSHD_LEGACY"})
    void waitForClosedWithNoTimeoutWakesWithinKeepaliveBound(Library library) throws Exception {
        try (ForkedJvm app = Bench.withAgent(Bench.app("MinaIdleChannel", library, Bench.defaultJdk()), KEEPALIVE_1S_X3)
                .args(SSHD.server().target()).start()) {
            long ms = PacketDrop.millisUntilAppGivesUp(app, "idle", SSHD.server().port);
            Measurements.record("dead peer, MinaIdleChannel waitFor(CLOSED) " + library + " under agent 1s x3", ms);
            assertThat(app.result().get("status")).isIn("closed", "error");
            assertThat(ms).isLessThanOrEqualTo(BOUND_MS);
            assertThat(app.stderr()).anyMatch(l -> l.contains("event=session.configured") && l.contains("lib=sshd")
                    && l.contains("keepalive.interval=1s(set)") && l.contains("keepalive.countMax=3(set)"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"SSHD", "SSHD_OLD", "SSHD_LEGACY"})
    void execThatNeverEndsIsNotReportedAsSuccessWhenThePeerDies(Library library) throws Exception {
        try (ForkedJvm app = Bench.withAgent(Bench.app("MinaExec", library, Bench.defaultJdk()), KEEPALIVE_1S_X3)
                .args(SSHD.server().target("sleep 1000")).start()) {
            long ms = PacketDrop.millisUntilAppGivesUp(app, "exec", SSHD.server().port);
            Measurements.record("dead peer, MinaExec waitFor(CLOSED) " + library + " under agent 1s x3", ms);
            assertThat(app.result().get("status")).isNotEqualTo("ok");
            assertThat(ms).isLessThanOrEqualTo(BOUND_MS);
        }
    }

    /**
     * Issue 28: an app's own MINA heartbeat (2 s, no reply expected) is shorter than Lifeline's, so enforce keeps it;
     * it used to keep it without detection and say {@code fix="mode=enforce"} while in enforce. Enforce now puts
     * Lifeline's count on the app's interval: the dead peer is detected within about 2 s x (3 + 1).
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"SSHD", "SSHD_OLD", "SSHD_LEGACY"})
    void enforceGivesTheAppsOwnHeartbeatThatExpectsNoReplyDetection(Library library) throws Exception {
        try (ForkedJvm app = Bench.withAgent(Bench.app("MinaIdleChannel", library, Bench.defaultJdk()),
                        "mode=enforce,keepalive.interval=15s,keepalive.countMax=3")
                .jvmArg("-Dorg.apache.sshd.config.heartbeat-interval=2000").args(SSHD.server().target()).start()) {
            long ms = PacketDrop.millisUntilAppGivesUp(app, "idle", SSHD.server().port);
            assertThat(app.result().get("status")).isIn("closed", "error");
            assertThat(ms).isLessThanOrEqualTo(2000 * (3 + 1) + 2000);
            assertThat(app.stderr()).anyMatch(l -> l.contains("event=session.configured") && l.contains("lib=sshd")
                    && l.contains("keepalive.interval=2s(app) keepalive.countMax=3(set)"));
            assertThat(app.stderr()).noneMatch(l -> l.contains("session.keepalive-without-detection"));
        }
    }

    @Test
    void withoutTheAgentTheSameSessionStaysBlocked() throws Exception {
        try (ForkedJvm app = Bench.app("MinaIdleChannel", Library.SSHD, Bench.defaultJdk()).args(SSHD.server().target()).start()) {
            app.awaitLine(Pattern.compile("^READY idle"), 30_000);
            try (PacketDrop drop = PacketDrop.on(SSHD.server().port)) {
                await().during(Duration.ofMillis(BOUND_MS + 3000)).atMost(Duration.ofMillis(BOUND_MS + 5000)).until(app::isAlive);
                assertThat(app.result()).isEmpty();
            }
        }
    }

    @Test
    void tcpKeepaliveIsVisibleFromOutsideTheJvm() throws Exception {
        String agentArgs = "tcp.keepalive.idle=42s,tcp.keepalive.interval=7s,tcp.keepalive.count=4";
        try (ForkedJvm with = Bench.withAgent(Bench.app("MinaIdleChannel", Library.SSHD, Bench.defaultJdk()), agentArgs)
                .args(SSHD.server().target()).start();
             ForkedJvm without = Bench.app("MinaIdleChannel", Library.SSHD, Bench.defaultJdk()).args(SSHD.server().target()).start()) {
            with.awaitLine(Pattern.compile("^READY idle"), 30_000);
            without.awaitLine(Pattern.compile("^READY idle"), 30_000);
            SocketStates.awaitOneKeepaliveTimer(SSHD.server().port, "(4[0-2]|3\\d)");
        }
    }

    @Test
    void tcpKeepaliveAloneDetectsTheDeadPeer() throws Exception {
        String tcpOnly = "keepalive.interval=0,tcp.keepalive.idle=1s,tcp.keepalive.interval=1s,tcp.keepalive.count=2";
        try (ForkedJvm app = Bench.withAgent(Bench.app("MinaIdleChannel", Library.SSHD, Bench.defaultJdk()), tcpOnly)
                .args(SSHD.server().target()).start()) {
            app.awaitLine(Pattern.compile("^READY idle"), 30_000);
            SocketStates.awaitQuiet(SSHD.server().port);
            long ms = PacketDrop.millisUntilAppGivesUp(app, "idle", SSHD.server().port);
            Measurements.record("dead peer, TCP keepalive only idle=1s interval=1s count=2 (MINA 2.20)", ms);
            assertThat(app.result().get("status")).isIn("closed", "error");
            assertThat(ms).isLessThanOrEqualTo(1000 + 1000 * 2 + 3000);
        }
    }

    @Test
    void answeredKeepalivesKeepMinasIdleTimeoutFromKillingALongSilentExec() throws Exception {
        // MINA's idle timeout, shortened from its 10 min default through MINA's own system property
        String idle4s = "-Dorg.apache.sshd.config.idle-timeout=4000";
        String slowCommand = "sleep 8; echo done";
        try (ForkedJvm control = Bench.app("MinaExec", Library.SSHD, Bench.defaultJdk()).jvmArg(idle4s)
                .args(SSHD.server().target(slowCommand)).start();
             ForkedJvm app = Bench.withAgent(Bench.app("MinaExec", Library.SSHD, Bench.defaultJdk()), "keepalive.interval=1s")
                     .jvmArg(idle4s).args(SSHD.server().target(slowCommand)).start()) {
            control.awaitExit(60_000);
            app.awaitExit(60_000);
            assertThat(control.result().get("status")).as("the control is idled out by MINA").isNotEqualTo("ok");
            assertThat(app.result()).containsEntry("status", "ok").containsEntry("out", "done");
        }
    }

    @Test
    void idleSessionStillAnswersTheServersClientAliveProbes() throws Exception {
        OpenSshServer probing = PROBING.server();
        try (ForkedJvm current = Bench.withAgent(Bench.app("MinaIdleExec", Library.SSHD, Bench.defaultJdk()), null)
                     .args(probing.target("30", "echo alive")).start();
             ForkedJvm older = Bench.withAgent(Bench.app("MinaIdleExec", Library.SSHD_OLD, Bench.defaultJdk()), null)
                     .args(probing.target("30", "echo alive")).start()) {
            for (ForkedJvm app : new ForkedJvm[]{current, older}) {
                app.awaitExit(90_000);
                assertThat(app.result()).containsEntry("status", "ok").containsEntry("out", "alive");
            }
        }
    }
}
