package dev.lifeline.bench;

import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 25, item 1: an SFTP request that never gets a response while the transport lives. OpenSSH serves SFTP with a
 * separate {@code sftp-server} process; the test stops that process ({@code SIGSTOP}) in the middle of an endless
 * upload, as a hung NFS mount or a stuck disk behind the server looks: the SSH connection still answers keepalives, the
 * SFTP requests never get a response. The class has its own sshd: the stopped process is found among that server's
 * descendants only (the one that appeared with the test's app: the tests of a class run one after another), and is
 * continued ({@code SIGCONT}) before the app is closed.
 */
class SftpTimeoutTest {
    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().config("Subsystem sftp /usr/lib/openssh/sftp-server").build();

    static final long LIMIT_MS = 2000;
    /** Generous: two cores shared by parallel test classes. */
    static final long MARGIN_MS = 5000;
    static final String KEEPALIVE = "keepalive.interval=1s,keepalive.countMax=3";
    private static final Pattern READY = Pattern.compile("^READY putting");
    private static final Pattern FAILED = Pattern.compile("^FAILED");

    /** One app uploading forever, whose sftp-server the test can stop and continue. */
    private static final class Stall implements AutoCloseable {
        final OpenSshServer server = SSHD.server();
        final ForkedJvm app;
        /** The sftp-servers there were before this app connected (an earlier test's may still be ending). */
        private final Set<ProcessHandle> before = new HashSet<>(server.sftpServers());
        private ProcessHandle sftpServer;

        Stall(String appName, String libraryDir, String agentArgs, String... jvmArgs) throws Exception {
            ForkedJvm.Builder b = Bench.app(appName, libraryDir, Bench.defaultJdk())
                    .args(server.target(server.dir.resolve("upload-" + appName + ".bin").toAbsolutePath().toString()));
            for (String a : jvmArgs) {
                b = b.jvmArg(a);
            }
            if (agentArgs != null) {
                b = Bench.withAgent(b, agentArgs).jvmArg("-Dsample.counters=true").jvmArg("-Dcom.sun.management.jmxremote");
            }
            ForkedJvm started = null;
            try {
                started = b.start();
                started.awaitLine(READY, 90_000); // a wait for a condition: start-up, connect and SFTP open on a loaded machine
            } catch (Exception | Error e) {
                if (started != null) {
                    started.close();
                }
                throw e;
            }
            app = started;
        }

        /** SIGSTOP to this session's sftp-server. @return when (System.nanoTime) */
        long stopSftpServer() throws Exception {
            List<ProcessHandle> found = new ArrayList<>(server.sftpServers());
            found.removeAll(before);
            assertThat(found).as("the one sftp-server of this test's app").hasSize(1);
            sftpServer = found.get(0);
            signal("STOP");
            return System.nanoTime();
        }

        void continueSftpServer() throws Exception {
            if (sftpServer != null && sftpServer.isAlive()) {
                signal("CONT");
            }
        }

        private void signal(String name) throws Exception {
            Process p = new ProcessBuilder("kill", "-" + name, String.valueOf(sftpServer.pid())).inheritIO().start();
            assertThat(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0).as("kill -" + name).isTrue();
        }

        @Override
        public void close() throws Exception {
            try {
                continueSftpServer();
            } finally {
                app.close();
                Files.deleteIfExists(server.dir.resolve("upload-" + app.name() + ".bin"));
            }
        }
    }

    /** The {@code elapsed_ms} of a Lifeline line: the deadline's own measure. */
    private static long elapsedMs(String line) {
        Matcher m = Pattern.compile(" elapsed_ms=(\\d+)").matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    /** The control: the fault is real. Keepalive (1 s × 3) sees a healthy transport; the put stays blocked. */
    @Test
    void withoutSftpTimeoutAStalledPutStaysBlocked() throws Exception {
        try (Stall s = new Stall("JschSftpStall", "jsch-mwiede-" + Versions.JSCH_MWIEDE, KEEPALIVE)) {
            s.stopSftpServer();
            await().during(Duration.ofMillis(LIMIT_MS + 4000)).atMost(Duration.ofSeconds(10))
                    .until(() -> s.app.isAlive() && s.app.stdout().stream().noneMatch(l -> FAILED.matcher(l).find()));
            assertThat(s.app.stderr()).noneMatch(l -> l.contains("event=keepalive.declared-dead"));
        }
    }

    /**
     * One library line each by default: MINA's oldest (2.7), whose pending write the channel's close does not wake
     * (Lifeline interrupts it). {@code -Dlifeline.test.sftpTimeoutAll=true} adds jcraft 0.1.55, MINA 2.20 and sshj 0.27.
     */
    static Stream<Arguments> libraries() {
        Stream<Arguments> reduced = Stream.of(Arguments.of("JschSftpStall", "jsch-mwiede-" + Versions.JSCH_MWIEDE),
                Arguments.of("MinaSftpStall", "sshd-" + Versions.SSHD_2_7),
                Arguments.of("SshjSftpStall", "sshj-" + Versions.SSHJ));
        if (!Bench.fullSuite() && !Boolean.getBoolean("lifeline.test.sftpTimeoutAll")) {
            return reduced;
        }
        return Stream.concat(reduced, Stream.of(Arguments.of("JschSftpStall", "jsch-jcraft-" + Versions.JSCH_JCRAFT),
                Arguments.of("MinaSftpStall", "sshd-" + Versions.SSHD),
                Arguments.of("SshjSftpStall", "sshj-" + Versions.SSHJ_OLD)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("libraries")
    void aStalledRequestFailsTheCallWithinTheLimitAndTheSessionLivesOn(String appName, String libraryDir) throws Exception {
        try (Stall s = new Stall(appName, libraryDir, KEEPALIVE + ",sftp.timeout=2s")) {
            long stopped = s.stopSftpServer();
            s.app.awaitLine(FAILED, LIMIT_MS + MARGIN_MS + 10_000);
            long ms = millisSince(stopped);
            Measurements.record("sftp.timeout=2s, sftp-server stopped mid-upload, " + libraryDir, ms);
            // a request in flight at the stop was sent before it, its deadline counted from then: on a loaded machine
            // the server may have held it a while, so the lower bound is loose; the fired line and the error say why
            assertThat(ms).as("from SIGSTOP to the failed call").isBetween(LIMIT_MS - 1500, LIMIT_MS + MARGIN_MS);
            s.continueSftpServer();
            s.app.awaitExit(30_000);
            Map<String, String> r = s.app.result();
            assertThat(r.get("error")).contains("Lifeline").contains("sftp.timeout=2s");
            assertThat(r).as("the session still runs an exec").containsEntry("exec_after", "alive");
            assertThat(r).containsEntry("lifeline_sftpDeadlinesFired", "1").containsEntry("lifeline_internalErrors", "0");
            assertThat(s.app.stderr().stream().filter(l -> l.contains("event=sftp.deadline-fired"))).hasSize(1)
                    .allMatch(l -> l.contains("limit=2s") && l.contains("rule=\"agent argument\""));
            assertThat(s.app.stderr()).noneMatch(l -> l.contains("event=keepalive.declared-dead"));
        }
    }

    /**
     * Each library's upload with more in flight than OpenSSH's 2 MB channel window holds: JSch and sshj 128 writes
     * (4 MB); MINA's write stream never waits for acknowledgements, and a flush after each write waits for the window.
     */
    static Stream<Arguments> windowWaits() {
        return Stream.of(Arguments.of("JschSftpStall", "jsch-mwiede-" + Versions.JSCH_MWIEDE, "-Dsample.bulkRequests=128"),
                Arguments.of("SshjSftpStall", "sshj-" + Versions.SSHJ, "-Dsample.maxUnconfirmedWrites=128"),
                Arguments.of("MinaSftpStall", "sshd-" + Versions.SSHD, "-Dsample.flushEach=true"));
    }

    /**
     * A write waiting for the channel's window, not for a response: once sftp-server stops reading, OpenSSH stops
     * opening the window, and an upload with more writes in flight than the window holds waits to send (JSch in
     * {@code Session.write}, sshj in its remote window's {@code awaitExpansion}). Bounded the same way; {@code op=write}
     * in the line says it was the window wait that fired.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("windowWaits")
    void aWriteWaitingForTheWindowFailsWithinTheLimit(String appName, String libraryDir, String inFlight) throws Exception {
        try (Stall s = new Stall(appName, libraryDir, KEEPALIVE + ",sftp.timeout=2s", inFlight)) {
            long stopped = s.stopSftpServer();
            s.app.awaitLine(FAILED, LIMIT_MS + MARGIN_MS + 10_000);
            long ms = millisSince(stopped);
            Measurements.record("sftp.timeout=2s, sftp-server stopped, a write waiting for the window, " + libraryDir, ms);
            // no lower bound here: sshj's deadlines of the writes in flight (up to 4 MB of them) started before the stop
            assertThat(ms).as("from SIGSTOP to the failed call").isLessThanOrEqualTo(LIMIT_MS + MARGIN_MS);
            s.continueSftpServer();
            s.app.awaitExit(30_000);
            Map<String, String> r = s.app.result();
            assertThat(r.get("error")).contains("Lifeline").contains("sftp.timeout=2s");
            assertThat(r).as("the session still runs an exec").containsEntry("exec_after", "alive");
            assertThat(r).containsEntry("lifeline_sftpDeadlinesFired", "1").containsEntry("lifeline_internalErrors", "0");
            // sshj's promises of the writes in flight were armed before the window was spent: one of them fires first
            // and takes the window's wait with it
            assertThat(s.app.stderr().stream().filter(l -> l.contains("event=sftp.deadline-fired"))).hasSize(1)
                    .allMatch(l -> l.contains("limit=2s") && (l.contains("op=write") || appName.startsWith("Sshj")))
                    .allMatch(l -> elapsedMs(l) >= LIMIT_MS && elapsedMs(l) < LIMIT_MS + MARGIN_MS);
        }
    }

    /** audit: one would-fire line, nothing touched: the call stays blocked until the server is continued. */
    @Test
    void auditOnlyLogsThatItWouldFire() throws Exception {
        try (Stall s = new Stall("JschSftpStall", "jsch-mwiede-" + Versions.JSCH_MWIEDE, "mode=audit," + KEEPALIVE
                + ",sftp.timeout=2s")) {
            s.stopSftpServer();
            await().atMost(Duration.ofMillis(LIMIT_MS + MARGIN_MS))
                    .until(() -> s.app.stderr().stream().anyMatch(l -> l.contains("event=sftp.deadline-would-fire")));
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> s.app.isAlive() && s.app.stdout().stream().noneMatch(l -> FAILED.matcher(l).find()));
            s.continueSftpServer();
            assertThat(s.app.stderr()).noneMatch(l -> l.contains("event=sftp.deadline-fired"))
                    .anyMatch(l -> l.contains("event=sftp.deadline-would-fire") && l.contains("action=\"none (audit)\""));
        }
    }
}
