package dev.lifeline.bench;

import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 25, item 1, inside a response: the server wrote a response's header and the start of its body, then froze
 * ({@link StallingSftpSubsystem}, in an embedded MINA server: a partial packet on demand, which a stopped OpenSSH
 * {@code sftp-server} gives only by chance). JSch reads the body straight from its channel's pipe after the header, so
 * a deadline that ended with the header left these calls waiting forever; MINA and sshj deliver whole packets. One app
 * ({@code SftpBodyStall}) runs every case at once with the three libraries on one class path: a download through
 * each library's usual call (JSch {@code get} to a stream and {@code get()}'s stream, MINA {@code read}, sshj's
 * {@code RemoteFileInputStream}) and a listing. The control is the same app without the agent. No keepalive setting:
 * JSch's keepalive interval is also its key exchange's limit, and seven connects at once on a loaded machine can take
 * longer than a second.
 */
class SftpBodyStallTest {
    static final long LIMIT_MS = 2000;
    /** Generous: two cores shared by parallel test classes. */
    static final long MARGIN_MS = 5000;
    static final List<String> CASES = Arrays.asList("jsch-get", "jsch-stream", "jsch-ls", "mina-read", "mina-ls",
            "sshj-read", "sshj-ls");
    private static final Pattern FAILED = Pattern.compile("^FAILED ");

    private static ForkedJvm start(MinaServer server, String agentArgs) throws Exception {
        ForkedJvm.Builder b = ForkedJvm.builder("dev.lifeline.samples.SftpBodyStall").javaHome(Bench.defaultJdk())
                .classpath(Bench.sampleClasses().toString(), lib("sshj-" + Versions.SSHJ), lib("sshd-" + Versions.SSHD),
                        lib("jsch-mwiede-" + Versions.JSCH_MWIEDE))
                .echo("    [SftpBodyStall] ")
                .args(server.target("/big.bin", "/dir"));
        return (agentArgs == null ? b : Bench.withAgent(b, agentArgs).jvmArg("-Dsample.counters=true")).start();
    }

    /** sshj's first: its slf4j 2 API before MINA's 1.7 one. */
    private static String lib(String dir) {
        return Bench.libs().resolve(dir).resolve("*").toString();
    }

    private static MinaServer server(Path dir, Queue<Long> stalls) throws Exception {
        return MinaServer.start(dir, s -> s.setSubsystemFactories(
                Collections.singletonList(StallingSftpSubsystem.factory(stalls))));
    }

    /**
     * The control and the case side by side (one wait for both): without the agent every call holds its partial
     * response and none fails; with {@code sftp.timeout=2s} each fails within the limit, its session still open.
     */
    @Test
    void aBodyThatStopsArrivingFailsTheCallWithinTheLimitAndTheSessionLivesOn(@TempDir Path dir) throws Exception {
        Queue<Long> controlStalls = StallingSftpSubsystem.newStalls();
        Queue<Long> stalls = StallingSftpSubsystem.newStalls();
        try (MinaServer controlServer = server(dir.resolve("control"), controlStalls);
             MinaServer server = server(dir.resolve("timeout"), stalls);
             ForkedJvm control = start(controlServer, null);
             ForkedJvm app = start(server, "sftp.timeout=2s")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> stalls.size() == CASES.size());
            long lastStall = stalls.stream().mapToLong(Long::longValue).max().getAsLong();
            await().atMost(Duration.ofMillis(LIMIT_MS + MARGIN_MS + 5000))
                    .until(() -> failed(app) == CASES.size());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastStall);
            Measurements.record("sftp.timeout=2s, response body stalled, last of " + CASES.size() + " cases failed after", ms);
            assertThat(ms).as("from the last stall to the last failed call").isLessThan(LIMIT_MS + MARGIN_MS);

            await().atMost(Duration.ofSeconds(60)).until(() -> controlStalls.size() == CASES.size());
            await().during(Duration.ofMillis(LIMIT_MS + 2000)).atMost(Duration.ofSeconds(10))
                    .until(() -> control.isAlive() && failed(control) == 0);
            assertThat(control.stdout()).noneMatch(l -> l.startsWith("BROKEN"));

            app.awaitExit(30_000);
            Map<String, String> r = app.result();
            for (String c : CASES) {
                String key = c.replace('-', '_');
                assertThat(r.get("error_" + key)).as(c).contains("Lifeline").contains("sftp.timeout=2s");
                assertThat(r).as(c).containsEntry("session_" + key, "open");
            }
            assertThat(r).containsEntry("lifeline_sftpDeadlinesFired", String.valueOf(CASES.size()))
                    .containsEntry("lifeline_internalErrors", "0");
            assertThat(app.stderr().stream().filter(l -> l.contains("event=sftp.deadline-fired")))
                    .hasSize(CASES.size()).allMatch(l -> l.contains("limit=2s") && elapsed(l) >= LIMIT_MS - 100);
        }
    }

    private static long failed(ForkedJvm app) {
        return app.stdout().stream().filter(l -> FAILED.matcher(l).find()).count();
    }

    private static long elapsed(String line) {
        java.util.regex.Matcher m = Pattern.compile("elapsed_ms=(\\d+)").matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
