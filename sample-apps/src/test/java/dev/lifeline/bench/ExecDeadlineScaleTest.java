package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 6: deadlines at scale. 10,000 exec cycles that each arm (and cancel) a deadline leave no thread, no queued
 * task, no watched channel and no heap behind; 200 concurrent exec channels each get their own deadline.
 */
@ResourceLock(Locks.CPU)
class ExecDeadlineScaleTest {
    static final int CYCLES = Integer.getInteger("lifeline.test.cycles", 10_000);
    /** Only the concurrent-exec rows use it; the cycle rows run against an embedded server. */
    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().onDemand().build();

    private static String loopApp(Library library) {
        return library.isJsch() ? "JschExecLoop" : "MinaExecLoop";
    }

    private static void assertNothingQueued(Library library, Map<String, String> r) {
        assertThat(r).containsEntry("watched_after", "0");
        // MINA's connect deadline too is cancelled once the session is authenticated
        assertThat(Integer.parseInt(r.get("deadlines_after"))).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "SSHD"})
    void tenThousandExecCyclesLeaveNothingBehind(Library library, @TempDir Path dir) throws Exception {
        try (MinaServer server = MinaServer.start(dir);
             ForkedJvm app = Bench.withAgent(Bench.app(loopApp(library), library, Bench.defaultJdk()),
                     "exec.timeout=1h,exec.idleTimeout=30m").jvmArg("-Xmx256m")
                     .jvmArg("-Dsample.threads=25").jvmArg("-Dsample.warmup=" + dev.lifeline.samples.EmbeddedSshServer.NOOP)
                     .args(server.target(String.valueOf(CYCLES), dev.lifeline.samples.EmbeddedSshServer.NOOP)).start()) {
            app.awaitExit(600_000);
            Map<String, String> r = app.result();
            assertThat(r).containsEntry("status", "ok").containsEntry("ok", String.valueOf(CYCLES)).containsEntry("failed", "0");
            long heapGrowth = Long.parseLong(r.get("heap_after")) - Long.parseLong(r.get("heap_before"));
            int threadGrowth = Integer.parseInt(r.get("threads_after")) - Integer.parseInt(r.get("threads_before"));
            Measurements.record(CYCLES + " exec cycles with deadlines, " + library + ": heap growth after GC (bytes)", heapGrowth);
            Measurements.record(CYCLES + " exec cycles with deadlines, " + library + ": thread growth", threadGrowth);
            assertNothingQueued(library, r);
            assertThat(threadGrowth).isLessThanOrEqualTo(0);
            assertThat(heapGrowth).as("heap retained after %d cycles", CYCLES).isLessThan(4L << 20);
        }
    }

    /**
     * sshj: the reader thread often ends a quick command's channel (exit, EOF, close) before {@code exec()} returns to
     * the caller, where the deadline is armed; a deadline armed after the end was never cancelled (every channel kept).
     * Against the TCP_NODELAY server: with Nagle's delays the close comes 40 ms later and the race is never seen.
     */
    @Test
    void sshjExecCyclesLeaveNothingBehind(@TempDir Path dir) throws Exception {
        try (MinaServer keys = MinaServer.start(dir); // its user and key; the execs go to the TCP_NODELAY server
             NoDelaySshServer server = NoDelaySshServer.start(dir);
             ForkedJvm app = Bench.withAgent(Bench.app("SshjExecLoop", "sshj-" + Versions.SSHJ, Bench.defaultJdk()),
                     "exec.timeout=1h,exec.idleTimeout=30m").jvmArg("-Xmx256m").jvmArg("-Dsample.nodelay=true")
                     .args("127.0.0.1", String.valueOf(server.port()), keys.user, keys.keys.privateKey.toString(),
                             String.valueOf(CYCLES), dev.lifeline.samples.EmbeddedSshServer.NOOP).start()) {
            app.awaitExit(600_000);
            Map<String, String> r = app.result();
            assertThat(r).containsEntry("status", "ok").containsEntry("ok", String.valueOf(CYCLES)).containsEntry("failed", "0");
            long heapGrowth = Long.parseLong(r.get("heap_after")) - Long.parseLong(r.get("heap_before"));
            Measurements.record(CYCLES + " exec cycles with deadlines, sshj " + Versions.SSHJ + ": heap growth after GC (bytes)", heapGrowth);
            assertThat(r).containsEntry("watched_after", "0").containsEntry("deadlines_after", "0");
            assertThat(heapGrowth).as("heap retained after %d cycles", CYCLES).isLessThan(4L << 20);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "SSHD"})
    void twoHundredConcurrentExecChannelsEachMeetTheirDeadline(Library library) throws Exception {
        String sleep = ExecDeadlineTest.sleepForever();
        OpenSshServer sshd = SSHD.server();
        try (ForkedJvm app = Bench.withAgent(Bench.app(loopApp(library), library, Bench.defaultJdk()), "exec.timeout=3s")
                .jvmArg("-Dsample.parallel=true").args(sshd.targetUnprivileged("200", sleep)).start()) {
            app.awaitExit(120_000);
            Map<String, String> r = app.result();
            long slowest = Long.parseLong(r.get("slowest_ms"));
            Measurements.record("200 concurrent exec, exec.timeout=3s, slowest channel incl. open, " + library, slowest);
            assertThat(r).containsEntry("status", "ok").containsEntry("failed", "200");
            assertThat(slowest).isLessThan(15_000);
            assertThat(app.stderr().stream().filter(l -> l.contains("event=exec.deadline-fired")).count()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> ExecDeadlineTest.remote(sleep) == 0);
            assertNothingQueued(library, r);
        } finally {
            ExecDeadlineTest.killRemote(sleep);
        }
    }
}
