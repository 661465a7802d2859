package dev.lifeline.bench;

import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.SampleKeys;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 15, the with-agent half of {@link SshjControlTest}: unchanged sshj apps under {@code -javaagent}. The whole
 * class skips until the agent jar has an sshj module ({@link AgentCoverage#agentCoversSshj()}: classes under
 * {@code dev/lifeline/sshj/}); {@code -Dlifeline.bench.force=sshj} runs it anyway.
 */
class SshjAgentTest {
    static final String KEEPALIVE_1S_X3 = "keepalive.interval=1s,keepalive.countMax=3";
    /** interval × (countMax + 1) + 2 s: app-measured, so with the slack of a loaded 2-core machine (CI saw 4884 ms) */
    static final long BOUND_MS = 1000 * (3 + 1) + 2000;
    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder()
            .requires(AgentCoverage::agentCoversSshj, "the agent jar has no sshj module (no dev/lifeline/sshj/ classes)")
            .requires(PacketDrop::available, "needs root and nft").build();

    static ForkedJvm.Builder app(String name, String version, String agentArgs) {
        return Bench.withAgent(Bench.app(name, "sshj-" + version, Bench.defaultJdk()), agentArgs);
    }

    @ParameterizedTest(name = "sshj {0}")
    @ValueSource(strings = {Versions.SSHJ, Versions.SSHJ_OLD})
    void anIdleShellReadWakesWithinTheKeepaliveBound(String version) throws Exception {
        try (ForkedJvm a = app("SshjIdleShell", version, KEEPALIVE_1S_X3).args(SSHD.server().target()).start()) {
            long ms = PacketDrop.millisUntilAppGivesUp(a, "idle", SSHD.server().port);
            Measurements.record("dead peer, SshjIdleShell read, sshj " + version + " under agent 1s x3", ms);
            assertThat(a.result().get("status")).isIn("closed", "error");
            assertThat(ms).isLessThanOrEqualTo(BOUND_MS);
            assertThat(a.stderr()).anyMatch(l -> l.contains("event=session.configured") && l.contains("lib=sshj"));
            assertThat(a.stderr()).anyMatch(l -> l.contains("event=keepalive.declared-dead") && l.contains("lib=sshj")
                    && l.contains("countMax=3"));
        }
    }

    @ParameterizedTest(name = "sshj {0}")
    @ValueSource(strings = {Versions.SSHJ, Versions.SSHJ_OLD})
    void idleTimeoutEndsACommandThatWentQuiet(String version) throws Exception {
        String sleep = ExecDeadlineTest.sleepForever();
        try (ForkedJvm a = app("SshjExec", version, "exec.idleTimeout=2s").args(SSHD.server().targetUnprivileged("sh -c 'echo a; " + sleep + "'")).start()) {
            a.awaitExit(30_000);
            Map<String, String> r = a.result();
            long ms = Long.parseLong(r.get("exec_ms"));
            Measurements.record("exec.idleTimeout=2s, echo then sleep forever, sshj " + version, ms);
            assertThat(r.get("status")).isNotEqualTo("ok");
            assertThat(r.get("out")).isEqualTo("a");
            assertThat(ms).isBetween(1900L, 4500L);
            await().atMost(Duration.ofSeconds(3)).until(() -> ExecDeadlineTest.remote(sleep) == 0);
            assertThat(a.stderr()).anyMatch(l -> l.contains("event=exec.deadline-fired") && l.contains("reason=exec.idleTimeout"));
        } finally {
            ExecDeadlineTest.killRemote(sleep);
        }
    }

    @Test
    void idleTimeoutSparesACommandThatKeepsTalking() throws Exception {
        try (ForkedJvm a = app("SshjExec", Versions.SSHJ, "exec.idleTimeout=2s")
                .args(SSHD.server().targetUnprivileged("sh -c 'for i in 1 2 3 4 5; do echo $i; sleep 1; done'")).start()) {
            a.awaitExit(30_000);
            assertThat(a.result()).containsEntry("status", "ok").containsEntry("exit", "0");
            assertThat(a.stderr()).noneMatch(l -> l.contains("event=exec.deadline"));
        }
    }

    /** Audit: nothing set or ended, only said; the app's command runs to its end. */
    @Test
    void auditOnlyLogsWhatItWouldHaveDone() throws Exception {
        try (ForkedJvm a = app("SshjExec", Versions.SSHJ, "mode=audit,exec.timeout=1s").args(SSHD.server().targetUnprivileged("sleep 3; echo done")).start()) {
            a.awaitExit(30_000);
            assertThat(a.result()).containsEntry("status", "ok").containsEntry("out", "done");
            assertThat(a.stderr()).anyMatch(l -> l.contains("event=exec.deadline-would-fire") && l.contains("action=\"none (audit)\""));
            assertThat(a.stderr()).noneMatch(l -> l.contains("event=exec.deadline-fired"));
            assertThat(a.stderr()).anyMatch(l -> l.contains("event=session.configured") && l.contains("lib=sshj")
                    && l.contains("keepalive.interval=15s(would-set)"));
        }
    }

    @ParameterizedTest(name = "sshj {0}")
    @ValueSource(strings = {Versions.SSHJ, Versions.SSHJ_OLD})
    void sleepForeverEndsAtExecTimeoutAndIsNoSuccess(String version) throws Exception {
        String command = ExecDeadlineTest.sleepForever();
        try (ForkedJvm a = app("SshjExec", version, "exec.timeout=3s").args(SSHD.server().targetUnprivileged(command)).start()) {
            a.awaitExit(30_000);
            Map<String, String> r = a.result();
            long ms = Long.parseLong(r.get("exec_ms"));
            Measurements.record("exec.timeout=3s, sleep forever, sshj " + version, ms);
            assertThat(r.get("status")).as("a timed-out command is not a success").isNotEqualTo("ok");
            assertThat(r.get("exit")).isNotEqualTo("0");
            assertThat(ms).isBetween(2900L, 5000L);
            await().atMost(Duration.ofSeconds(3)).until(() -> ExecDeadlineTest.remote(command) == 0);
            assertThat(a.stderr()).anyMatch(l -> l.contains("event=exec.deadline-fired") && l.contains("reason=exec.timeout"));
        } finally {
            ExecDeadlineTest.killRemote(command);
        }
    }

    @ParameterizedTest(name = "sshj {0}")
    @ValueSource(strings = {Versions.SSHJ, Versions.SSHJ_OLD})
    void anSftpCallOnACutPeerFailsInsteadOfHanging(String version) throws Exception {
        try (ForkedJvm a = app("SshjSftp", version, KEEPALIVE_1S_X3).args(SSHD.server().target(SSHD.server().dir.toAbsolutePath().toString())).keepStdin().start()) {
            a.awaitLine(Pattern.compile("^READY idle"), 30_000);
            try (PacketDrop drop = PacketDrop.on(SSHD.server().port)) {
                a.send("ls");
                a.awaitExit(BOUND_MS + 10_000);
            }
            long ms = Long.parseLong(a.result().get("ls_ms"));
            Measurements.record("dead peer, SshjSftp ls, sshj " + version + " under agent 1s x3", ms);
            assertThat(a.result()).containsEntry("status", "error");
            assertThat(ms).isLessThanOrEqualTo(BOUND_MS);
        }
    }

    @ParameterizedTest(name = "sshj {0}")
    @ValueSource(strings = {Versions.SSHJ, Versions.SSHJ_OLD})
    void connectEndsAtConnectTimeout(String version, @TempDir Path tmp) throws Exception {
        String key = SampleKeys.create(tmp).privateKey.toString();
        int port = PacketDrop.unboundPort();
        try (PacketDrop drop = PacketDrop.on(port); SilentListener silent = new SilentListener();
             ForkedJvm syn = app("SshjConnect", version, "connect.timeout=3s").args("127.0.0.1", String.valueOf(port), "nobody", key).start();
             ForkedJvm mute = app("SshjConnect", version, "connect.timeout=3s").args("127.0.0.1", String.valueOf(silent.port()), "nobody", key).start()) {
            for (ForkedJvm a : new ForkedJvm[]{syn, mute}) {
                a.awaitExit(30_000);
                long ms = Long.parseLong(a.result().get("connect_ms"));
                Measurements.record("connect deadline 3s, sshj " + version + ", " + (a == syn ? "SYN dropped" : "no banner"), ms);
                assertThat(a.result()).containsEntry("status", "error");
                assertThat(ms).isLessThanOrEqualTo(ConnectDeadlineTest.DEADLINE_MS + ConnectDeadlineTest.APP_SLACK_MS);
            }
        }
    }

    /**
     * {@code connectVia} (sshj 0.40; 0.27 has none): a connection tunnelled through the server to a listener that never
     * greets waits forever without the agent ({@link SshjControlTest}); here it ends at {@code connect.timeout} by the
     * carrying direct-tcpip channel being closed, and the jump connection still runs a command afterwards.
     */
    @Test
    void aTunnelledConnectToAListenerWithNoBannerEndsAtConnectTimeout() throws Exception {
        // the jump connection is a real connect, which on a loaded 2-core machine can take longer than 3 s: only the
        // tunnelled connect (to a listener on 127.0.0.2, named by a host rule) has the 3 s deadline
        try (SilentListener silent = new SilentListener(java.net.InetAddress.getByName(TopologyTest.SILENT_HOST));
             ForkedJvm a = app("SshjConnectVia", Versions.SSHJ, "connect.timeout=60s,host.silent.match=" + TopologyTest.SILENT_HOST
                     + ",host.silent.connect.timeout=3s")
                     .args(SSHD.server().target(TopologyTest.SILENT_HOST, String.valueOf(silent.port()))).start()) {
            a.awaitExit(30_000);
            long ms = Long.parseLong(a.result().get("connect_ms"));
            Measurements.record("connect deadline 3s, sshj " + Versions.SSHJ + " connectVia, no banner", ms);
            assertThat(a.result()).containsEntry("status", "error").containsEntry("jump_after", "jump");
            assertThat(ms).isBetween(2900L, ConnectDeadlineTest.DEADLINE_MS + ConnectDeadlineTest.APP_SLACK_MS);
            assertThat(a.stderr()).anyMatch(l -> l.contains("event=connect.deadline-fired") && l.contains("lib=sshj")
                    && l.contains("action=\"carrying channel closed\""));
        }
    }

    /**
     * {@code connectVia}: only the tunnelled connection has keepalive (a host rule for {@code localhost}, the tunnel's
     * target; the jump connection to 127.0.0.1 none), so when the server is cut its idle shell read wakes by the
     * tunnelled connection's own keepalive, within the bound.
     */
    @Test
    void anIdleReadInATunnelledConnectionWakesWithinTheKeepaliveBound() throws Exception {
        String args = "keepalive.interval=0,host.tunnel.match=localhost,host.tunnel.keepalive.interval=1s,host.tunnel.keepalive.countMax=3";
        try (ForkedJvm a = app("SshjConnectVia", Versions.SSHJ, args).args(SSHD.server().target("localhost", String.valueOf(SSHD.server().port), "idle")).start()) {
            long ms = PacketDrop.millisUntilAppGivesUp(a, "idle", SSHD.server().port);
            Measurements.record("dead peer, SshjConnectVia idle read in the tunnel, sshj " + Versions.SSHJ + " under agent 1s x3", ms);
            assertThat(a.result().get("status")).isIn("closed", "error");
            assertThat(ms).isLessThanOrEqualTo(BOUND_MS);
            assertThat(a.stderr()).filteredOn(l -> l.contains("event=keepalive.declared-dead")).hasSize(1)
                    .allMatch(l -> l.contains("lib=sshj") && l.contains("host=localhost") && l.contains("countMax=3"));
        }
    }

    @ParameterizedTest(name = "sshj {0}")
    @ValueSource(strings = {Versions.SSHJ, Versions.SSHJ_OLD})
    void disconnectWithWritersStuckOnACutPeerEndsWithinCloseTimeout(String version) throws Exception {
        try (ForkedJvm a = app("SshjCloseDeadPeer", version, CloseDeadlineTest.CLOSE_2S).args(SSHD.server().target(Bench.STUCK_WRITERS)).keepStdin().start()) {
            a.awaitLine(Pattern.compile("^READY channels"), CloseDeadlineTest.STARTS_MS);
            try (PacketDrop drop = PacketDrop.on(SSHD.server().port)) {
                a.send("close");
                a.awaitExit(60_000);
            }
            long ms = Long.parseLong(a.result().get("close_ms"));
            Measurements.record("close.timeout=2s, disconnect() with stuck writers, sshj " + version, ms);
            assertThat(a.result()).containsEntry("status", "ok");
            CloseDeadlineTest.assertClosePremise(a);
            CloseDeadlineTest.assertEndedByTheDeadline(a, ms);
        }
    }

    @ParameterizedTest(name = "sshj {0}")
    @ValueSource(strings = {Versions.SSHJ, Versions.SSHJ_OLD})
    void tcpKeepaliveIsVisibleFromOutsideTheJvm(String version) throws Exception {
        String agentArgs = "tcp.keepalive.idle=42s,tcp.keepalive.interval=7s,tcp.keepalive.count=4";
        try (ForkedJvm with = app("SshjIdleShell", version, agentArgs).args(SSHD.server().target()).start();
             ForkedJvm without = Bench.app("SshjIdleShell", "sshj-" + version, Bench.defaultJdk()).args(SSHD.server().target()).start()) {
            with.awaitLine(Pattern.compile("^READY idle"), 30_000);
            without.awaitLine(Pattern.compile("^READY idle"), 30_000);
            SocketStates.awaitOneKeepaliveTimer(SSHD.server().port, "(4[0-2]|3\\d)");
        }
    }
}
