package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 22 items 4 and 6, against OpenSSH: a thread reading a command that prints a line every 200 ms
 * ({@code app-streaming-reader}) is never called stuck at {@code watchdog.threshold=2s} and {@code sessions} shows it
 * waiting for less than that, while a thread reading a silent command on another session ({@code app-silent-reader})
 * is reported (the watchdog ran and the fault it looks for is real). For sshj, "last packet from peer" is the time
 * since the last packet, not the connection's age. Both read for 6 s before the test looks.
 */
class StreamingReaderTest {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String AGENT_ARGS = "watchdog.threshold=2s";
    private static final Pattern READER = Pattern.compile("thread \"app-streaming-reader\" \\w+ for (<1 look|\\d+ms|1\\.\\ds)");

    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().build();

    @Test
    void jschStreamingReaderIsNeverStuck() throws Exception {
        run(Bench.app("JschStreamingReader", Library.JSCH_MWIEDE, Bench.defaultJdk()), "jsch");
    }

    @Test
    void sshjStreamingReaderIsNeverStuckAndItsLastPacketIsFresh() throws Exception {
        String sessions = run(Bench.app("SshjStreamingReader", "sshj-" + Versions.SSHJ, Bench.defaultJdk()), "sshj");
        // "#1 sshj 127.0.0.1:PORT  age 7.3s  last packet from peer 120ms ago": the streaming client is the first
        Matcher m = Pattern.compile("#1 sshj \\S+  age (\\d+)\\.\\ds  last packet from peer (\\S+) ago").matcher(sessions);
        assertThat(m.find()).as(sessions).isTrue();
        assertThat(Integer.parseInt(m.group(1))).as("age in s").isGreaterThanOrEqualTo(6);
        assertThat(m.group(2)).as("last packet from peer, for a stream printing every 200 ms").matches("\\d+ms");
    }

    private String run(ForkedJvm.Builder builder, String lib) throws Exception {
        try (ForkedJvm app = Bench.withAgent(builder, AGENT_ARGS).args(SSHD.server().target()).keepStdin().start()) {
            app.awaitLine(Pattern.compile("^READY streamed"), 60_000);
            // the control: the silent reader is stuck, so the watchdog has been looking for more than 2 s
            await().atMost(WAIT).until(() -> app.stderr().stream().anyMatch(l -> l.contains("event=watchdog.thread-stuck")
                    && l.contains("thread=app-silent-reader")));
            String sessions = sessionsUntil(app.pid(), o -> o.contains("app-streaming-reader") || o.contains("#2 " + lib));
            assertThat(app.stderr().stream().filter(l -> l.contains("event=watchdog.thread-stuck")
                    && l.contains("app-streaming-reader"))).as("the streaming reader is never stuck").isEmpty();
            if (sessions.contains("app-streaming-reader")) { // listed when a look finds it in its read
                assertThat(READER.matcher(sessions).find()).as(sessions).isTrue();
            }
            assertThat(sessions).containsPattern("thread \"app-silent-reader\" \\w+ for \\d+\\.\\ds");
            app.send("close");
            app.awaitLine(Pattern.compile("^READY closed"), 30_000);
            app.send("exit");
            app.awaitExit(30_000);
            assertThat(app.result()).containsEntry("status", "ok");
            return sessions;
        }
    }

    private static String sessionsUntil(long pid, Predicate<String> expected) {
        AtomicReference<AgentCli> last = new AtomicReference<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            last.set(AgentCli.run("sessions", String.valueOf(pid)));
            return last.get().exit == 0 && expected.test(last.get().output);
        });
        return last.get().output;
    }
}
