package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 16: {@code java -jar lifeline-agent.jar sessions PID} lists a JVM's open sessions with their peer and channels,
 * a thread blocked on a dead peer (cut with nft) with its stack, and the watchdog ({@code watchdog.threshold=2s})
 * reports that thread once; closed sessions leave the list. JschSessionsTour / MinaSessionsTour / SshjSessionsTour against OpenSSH; the
 * app's keepalive is long (60 s) so the blocked thread stays blocked while the test looks. The thread starts waiting
 * only after the cut, so the watchdog's report is about a wait on a dead peer.
 */
class SessionsCommandTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String AGENT_ARGS = "keepalive.interval=60s,watchdog.threshold=2s,exec.timeout=1h";

    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().requires(PacketDrop::available, "needs root and nft").build();

    /** Runs {@code sessions PID} until its output passes (the agent registers its MBean 5 s after start). */
    static String sessionsUntil(long pid, Predicate<String> expected) {
        AtomicReference<AgentCli> last = new AtomicReference<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            last.set(AgentCli.run("sessions", String.valueOf(pid)));
            return last.get().exit == 0 && expected.test(last.get().output);
        });
        return last.get().output;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "JSCH_JCRAFT", "SSHD", "SSHD_LEGACY"})
    void listsSessionChannelAndTheThreadBlockedOnADeadPeerThenForgetsTheClosedSession(Library library) throws Exception {
        boolean jsch = library.isJsch();
        tour(jsch ? "jsch" : "sshd", jsch ? "JschSessionsTour" : "MinaSessionsTour",
                Bench.app(jsch ? "JschSessionsTour" : "MinaSessionsTour", library, Bench.defaultJdk()),
                library == Library.SSHD_LEGACY
                        ? "(?m)^   keepalive: every 60000ms x3 \\(Lifeline's probe\\), probes outstanding 0, round trip n/a"
                        : "(?m)^   keepalive: every 60000ms x3, probes outstanding 0, round trip n/a",
                "shell");
    }

    /**
     * sshj (issue 16 for the third library): a legacy client (no keepalive set; Lifeline's 60 s puts a
     * {@code KeepAliveRunner} in), its shell listed as a session channel (sshj does not say which kind it is), its exec
     * as exec; the reader blocks in sshj's {@code ChannelInputStream}.
     */
    @Test
    void sshjListsClientChannelsAndTheThreadBlockedOnADeadPeerThenForgetsTheClosedClient() throws Exception {
        tour("sshj", "SshjSessionsTour", Bench.app("SshjSessionsTour", "sshj-" + Versions.SSHJ, Bench.defaultJdk()),
                "(?m)^   keepalive: every 60000ms x3, probes outstanding 0, round trip n/a", "session");
    }

    private void tour(String lib, String appName, ForkedJvm.Builder builder, String keepalive, String shellKind) throws Exception {
        boolean jsch = lib.equals("jsch");
        String peer = SSHD.server().host + ":" + SSHD.server().port; // never the user name (issue 22 item 8)
        String user = SSHD.server().user;
        try (ForkedJvm app = Bench.withAgent(builder, AGENT_ARGS).args(SSHD.server().target()).keepStdin().start()) {
            app.awaitLine(Pattern.compile("^READY open"), 30_000);
            String listed = sessionsUntil(app.pid(), o -> o.contains("#1 " + lib + " " + peer));
            assertThat(listed).doesNotContain(user + "@").startsWith("1 session open, 0 threads blocked in SSH calls; watchdog.threshold=2s")
                    .containsPattern("#1 " + lib + " " + Pattern.quote(peer) + "  age \\S+  last packet from peer \\S+ ago")
                    .containsPattern(keepalive)
                    .containsPattern("(?m)^   channel " + shellKind + "  (age|seen for) \\S+  deadline: none$")
                    .containsPattern("(?m)^   channel exec  age \\S+  deadline: exec.timeout=1h due in 59m\\d+s$");

            try (PacketDrop drop = PacketDrop.on(SSHD.server().port)) {
                app.send("read"); // the app's thread now waits on a peer that is gone
                app.awaitLine(Pattern.compile("^READY reading"), 30_000);
                String blocked = sessionsUntil(app.pid(), o -> o.contains("thread \"app-reader\""));
                // listed under its session, with a frame of the app's own code
                assertThat(blocked.substring(blocked.indexOf("#1 " + lib))).containsPattern(
                        "(?s)   thread \"app-reader\" (WAITING|TIMED_WAITING) for .*\\n       at .*"
                                + appName);
                await().atMost(WAIT).until(() -> app.stderr().stream().anyMatch(l -> l.contains("event=watchdog.thread-stuck")));
                String line = app.stderr().stream().filter(l -> l.contains("event=watchdog.thread-stuck")).findFirst().get();
                assertThat(line).contains("thread=app-reader").contains("lib=" + lib).contains("session=" + peer)
                        .contains("threshold=2s")
                        .contains(jsch ? "com.jcraft.jsch." : lib.equals("sshd") ? "org.apache.sshd." : "net.schmizz.sshj.");
                assertThat(blocked).doesNotContain(user + "@");
                assertThat(line).doesNotContain(user);
                String status = AgentCli.run("status", String.valueOf(app.pid())).output;
                assertThat(status).containsPattern("(?m)^  threadsStuck +1$")
                        .containsPattern("(?m)^  SessionsOpen" + Character.toUpperCase(lib.charAt(0)) + lib.substring(1) + " +1$")
                        .containsPattern("(?m)^  ThreadsBlockedInSsh +1$");
            }

            app.send("close");
            app.awaitLine(Pattern.compile("^READY closed"), 30_000);
            String after = sessionsUntil(app.pid(), o -> o.startsWith("0 sessions open"));
            assertThat(after).doesNotContain("#1");
            assertThat(app.stderr().stream().filter(l -> l.contains("event=watchdog.thread-stuck"))).hasSize(1);
            app.send("exit");
            app.awaitExit(30_000);
            assertThat(app.result()).containsEntry("status", "ok");
        }
    }
}
