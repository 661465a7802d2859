package dev.lifeline.sessions;

import org.apache.sshd.fake.BlockingCall;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 22, item 2: a thread name or host name from the application cannot forge a session entry in the
 * {@code sessions} table, nor retitle the terminal: they are escaped as the log escapes them.
 */
class SessionsTableEscapingTest {
    @AfterEach
    void clear() {
        SshSessions.OPEN.clear();
    }

    @Test
    void threadAndHostNamesCannotAddLinesOrControlSequences() throws Exception {
        SessionRegistryTest.FakeSession s = new SessionRegistryTest.FakeSession();
        SshSessions.opened(s, "sshd", "db\n\n#9 jsch admin@prod-db:22\u001b[31m\u2028", 22, SessionRegistryTest.VIEW);
        CountDownLatch release = new CountDownLatch(1);
        Thread app = new Thread(() -> {
            try {
                BlockingCall.waitOn(s.channel, release);
            } catch (InterruptedException ignored) {
                // ends the test thread
            }
        }, "rd\n\n#9 jsch admin@prod-db:22  age 1.0s\u001b]0;owned\u0007");
        app.start();
        try {
            await().atMost(10, TimeUnit.SECONDS).until(() -> SshSessions.threadsBlocked() == 1);
            String table = SshSessions.table();
            assertThat(table.lines()).noneMatch(l -> l.startsWith("#9"));
            assertThat(table).doesNotContain("\u001b").doesNotContain("\u2028").doesNotContain("\u0007")
                    .contains("thread \"rd\\n\\n#9 jsch admin@prod-db:22  age 1.0s\\u001b]0;owned\\u0007\"")
                    .contains("#1 sshd \"db\\n\\n#9 jsch admin@prod-db:22\\u001b[31m\\u2028:22\"");
        } finally {
            release.countDown();
            app.join();
        }
    }
}
