package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 6: closing on a silently dropped peer. JSch: {@code session.disconnect()} while uploads to the dead peer are
 * stuck in socket writes (they hold the session's write lock). MINA: {@code session.close(false).await()}, which waits
 * for the peer's CHANNEL_CLOSE. Each returns within {@code close.timeout} + 0.5 s under the agent.
 */
class CloseDeadlineTest {
    static final String CLOSE_2S = "close.timeout=2s";
    static final long BOUND_MS = 2000 + 500;

    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().requires(PacketDrop::available, "needs root and nft").build();

    private static ForkedJvm.Builder app(Library library) {
        return library.isJsch()
                ? Bench.app("JschDisconnectDeadPeer", library, Bench.defaultJdk()).args(SSHD.server().target(Bench.STUCK_WRITERS)).keepStdin()
                : Bench.app("MinaCloseDeadPeer", library, Bench.defaultJdk()).args(SSHD.server().target(Bench.STUCK_WRITERS)).keepStdin();
    }

    /** Once the app is busy on the session: cuts the cable, then pulls the app's close trigger. */
    private static PacketDrop cutAndClose(ForkedJvm app, Library library) throws Exception {
        app.awaitLine(Pattern.compile("^READY " + "writing"), 30_000);
        PacketDrop drop = PacketDrop.on(SSHD.server().port);
        app.send(library.isJsch() ? "disconnect" : "close");
        return drop;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "JSCH_JCRAFT", "SSHD", "SSHD_OLD"})
    void closeOnADeadPeerReturnsWithinCloseTimeout(Library library) throws Exception {
        try (ForkedJvm app = Bench.withAgent(app(library), CLOSE_2S).start()) {
            try (PacketDrop drop = cutAndClose(app, library)) {
                app.awaitExit(60_000);
            }
            String key = library.isJsch() ? "disconnect_ms" : "close_ms";
            long ms = Long.parseLong(app.result().get(key));
            Measurements.record("close.timeout=2s, " + (library.isJsch() ? "disconnect()" : "close(false).await()") + " with stuck writers, "
                    + library, ms);
            assertThat(app.result()).containsEntry("status", "ok");
            if (library.isJsch()) {
                assertThat(Integer.parseInt(app.result().get("in_socket_write"))).as("writers stuck in the kernel").isPositive();
            }
            assertThat(ms).isLessThanOrEqualTo(BOUND_MS);
            assertThat(app.stderr()).anyMatch(l -> l.contains("event=close.deadline-fired"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "SSHD"})
    void withoutTheAgentTheCloseHangs(Library library) throws Exception {
        try (ForkedJvm app = app(library).start(); PacketDrop drop = cutAndClose(app, library)) {
            app.awaitLine(Pattern.compile(library.isJsch() ? "^READY stalled in_socket_write=[1-9]" : "^READY stalled"), 60_000);
            await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(10)).until(app::isAlive);
            assertThat(app.result()).isEmpty();
        }
    }
}
