package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.EmbeddedSshServer;
import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8: Lifeline's own failures never reach the application. With the test-only switch
 * {@code -Dlifeline.test.faultInjection=true} every hook of the agent throws (keepalive, connect, exec and close
 * deadlines are all configured, so every helper is reached); the advice suppresses each throwable and counts it as
 * {@code internalErrors}. 500 exec round trips per library (JSch and MINA: 1,000 SSH operations) end exactly as they do
 * without the agent, and the faults are counted (read by the app from Lifeline's counters at its end).
 */
class FaultInjectionTest {
    static final int COUNT = Integer.getInteger("lifeline.test.faultCycles", 500);
    static final String DEADLINES = "keepalive.interval=5s,keepalive.countMax=3,connect.timeout=30s,exec.timeout=1h,"
            + "exec.idleTimeout=30m,close.timeout=10s";

    private static ForkedJvm.Builder loop(Library library, MinaServer server) {
        return Bench.app(library.isJsch() ? "JschExecLoop" : "MinaExecLoop", library, Bench.defaultJdk())
                .jvmArg("-Xmx256m").jvmArg("-Dsample.threads=5").jvmArg("-Dsample.warmup=" + EmbeddedSshServer.NOOP)
                .jvmArg("-Dsample.counters=true").args(server.target(String.valueOf(COUNT), EmbeddedSshServer.NOOP));
    }

    private static Map<String, String> run(ForkedJvm.Builder b) throws Exception {
        try (ForkedJvm app = b.start()) {
            app.awaitExit(300_000);
            return app.result();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "SSHD"})
    void everyHookThrowingChangesNothingForTheAppAndEveryFaultIsCounted(Library library, @TempDir Path dir) throws Exception {
        try (MinaServer server = MinaServer.start(dir)) {
            Map<String, String> without = run(loop(library, server));

            Map<String, String> faulted;
            long stackTraces;
            long faultLines;
            java.util.Set<String> hooks;
            try (ForkedJvm app = Bench.withAgent(loop(library, server), DEADLINES)
                    .jvmArg("-Dlifeline.test.faultInjection=true").start()) {
                app.awaitExit(300_000);
                faulted = app.result();
                stackTraces = app.stderr().stream().filter(l -> l.contains("\tat ") || l.startsWith("Exception")).count();
                faultLines = app.stderr().stream().filter(l -> l.contains("event=internal.error")).count();
                hooks = app.stderr().stream().filter(l -> l.contains("event=internal.error"))
                        .map(l -> l.replaceAll(".* hook=(\\S+) .*", "$1")).collect(java.util.stream.Collectors.toSet());
                assertThat(app.stderr()).anySatisfy(l -> assertThat(l).contains("event=agent.fault-injection"));
            }

            Map<String, String> healthy = run(Bench.withAgent(loop(library, server), DEADLINES));

            // the app: same results as without the agent, nothing thrown at it
            assertThat(without).containsEntry("status", "ok").containsEntry("ok", String.valueOf(COUNT))
                    .containsEntry("failed", "0");
            assertThat(faulted).containsEntry("status", "ok").containsEntry("ok", without.get("ok"))
                    .containsEntry("failed", without.get("failed")).doesNotContainKey("error");
            assertThat(stackTraces).as("stack traces on the app's stderr").isZero();

            // the faults: every round trip passed at least two hooks (exec started, channel close), each one counted
            long internalErrors = Long.parseLong(faulted.get("lifeline_internalErrors"));
            Measurements.record("fault injection, " + COUNT + " exec round trips, " + library + ": internalErrors",
                    internalErrors);
            assertThat(internalErrors).isGreaterThanOrEqualTo(2L * COUNT);
            assertThat(faultLines).as("one log line per hook, not per fault").isEqualTo(hooks.size());
            assertThat(hooks).as("hooks that failed").contains(library.isJsch()
                    ? new String[]{"JschSessions.plan", "JschSessions.connected", "JschChannels.execStarted",
                    "JschChannels.channelDisconnecting", "JschChannels.disconnected", "JschChannels.sessionDisconnecting"}
                    : new String[]{"SshdConnectDeadline.start", "SshdSessions.plan", "SshdChannels.execStarted",
                    "SshdChannels.closingGracefully"});
            // ...and they did stop Lifeline's work: nothing was configured or watched
            assertThat(faulted).containsEntry("lifeline_sessionsSeen", "0").containsEntry("lifeline_execDeadlinesWatched", "0")
                    .containsEntry("watched_after", "0");

            // the same agent without faults does that work and counts no error: the faults made the difference
            assertThat(healthy).containsEntry("status", "ok").containsEntry("ok", String.valueOf(COUNT))
                    .containsEntry("lifeline_internalErrors", "0").containsEntry("lifeline_sessionsSeen", "1");
            assertThat(Long.parseLong(healthy.get("lifeline_execDeadlinesWatched"))).isGreaterThanOrEqualTo(COUNT);
        }
    }
}
