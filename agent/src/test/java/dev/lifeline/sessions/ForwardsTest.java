package dev.lifeline.sessions;

import dev.lifeline.enforce.ForwardIdle;
import dev.lifeline.report.Counters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A session's local-forward listeners end with it, however it ends (its close hook, or the sweep of a session that
 * died unseen); the sessions view lists listeners and forwarded channels, the target escaped, no user name.
 */
class ForwardsTest {
    static final class FakeListener implements Forwards.Listener {
        final AtomicBoolean open = new AtomicBoolean(true);
        final java.util.concurrent.atomic.AtomicInteger looks = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public boolean isOpen() {
            looks.incrementAndGet();
            return open.get();
        }

        @Override
        public void close() {
            open.set(false);
        }
    }

    @org.junit.jupiter.api.BeforeEach
    void active() {
        use("mode=fill");
    }

    /**
     * Each test's close runs on the action pool after the test may have returned (the view test does not wait for it):
     * the next test's counter baseline must not be read while it still adds (seen in CI: before + 3).
     */
    @AfterEach
    void clear() {
        await().atMost(Duration.ofSeconds(20)).until(dev.lifeline.enforce.Actions::idle);
        SshSessions.OPEN.clear();
        dev.lifeline.policy.Policies.use(null);
    }

    private static void use(String args) {
        dev.lifeline.config.Config c = dev.lifeline.config.Config.load(args, java.util.Collections.emptyMap(),
                java.util.Collections.emptyMap());
        dev.lifeline.policy.Policies.use(new dev.lifeline.policy.Policies.Source() {
            @Override
            public dev.lifeline.config.Config config() {
                return c;
            }

            @Override
            public boolean active() {
                return true;
            }
        });
    }

    @Test
    void listenersStillOpenWhenTheSessionEndsAreClosed() {
        SessionRegistryTest.FakeSession session = new SessionRegistryTest.FakeSession();
        SshSessions.opened(session, "sshj", "db.example", 22, SessionRegistryTest.VIEW);
        FakeListener open = new FakeListener();
        FakeListener closedByLibrary = new FakeListener();
        closedByLibrary.open.set(false);
        Forwards.listening(session, "sshj", 4000, "target", 5432, open);
        Forwards.listening(session, "sshj", 4001, "target", 5433, closedByLibrary);
        long before = Counters.Counter.FORWARD_LISTENERS_CLOSED.get();
        SshSessions.closed(session);
        await().atMost(Duration.ofSeconds(20)).until(() -> !open.isOpen());
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Counters.Counter.FORWARD_LISTENERS_CLOSED.get() == before + 2);
        assertThat(Forwards.sessionsWithListeners()).isZero();
    }

    @Test
    void auditTouchesNoListener() throws Exception {
        use("mode=audit");
        try {
            SessionRegistryTest.FakeSession session = new SessionRegistryTest.FakeSession();
            SshSessions.opened(session, "sshj", "h", 22, SessionRegistryTest.VIEW);
            FakeListener l = new FakeListener();
            Forwards.listening(session, "sshj", 4004, "t", 1, l);
            SshSessions.closed(session);
            await().atMost(Duration.ofSeconds(20)).until(() -> l.looks.get() > 0); // the action looked
            assertThat(l.open.get()).isTrue();
        } finally {
            use("mode=fill");
        }
    }

    @Test
    void aSessionThatDiedUnseenHasItsListenersClosedAtTheSweep() {
        SessionRegistryTest.FakeSession session = new SessionRegistryTest.FakeSession();
        SshSessions.opened(session, "jsch", "h", 22, SessionRegistryTest.VIEW);
        FakeListener l = new FakeListener();
        Forwards.listening(session, "jsch", 4002, "t", 1, l);
        session.open = false;
        SshSessions.sweep();
        await().atMost(Duration.ofSeconds(20)).until(() -> !l.isOpen());
    }

    @Test
    void theViewListsListenersAndForwardedChannelsEscaped() {
        SessionRegistryTest.FakeSession session = new SessionRegistryTest.FakeSession();
        SshSessions.opened(session, "jsch", "h", 22, SessionRegistryTest.VIEW);
        Forwards.listening(session, "jsch", 4003, "evil\n#9 jsch x", 5432, new FakeListener());
        Forwards.connectionOpened(session, session.channel, "jsch", "db\u001b[31m", 5432, new ForwardIdle.Closer() {
            @Override
            public void close() {
            }

            @Override
            public boolean isClosed() {
                return false;
            }
        });
        String table = SshSessions.table();
        assertThat(table).contains("forward listener port 4003 -> ").contains("  accepting")
                .contains("channel direct-tcpip to ");
        assertThat(table).doesNotContain("\n#9").doesNotContain("\u001b");
        SshSessions.closed(session);
    }
}
