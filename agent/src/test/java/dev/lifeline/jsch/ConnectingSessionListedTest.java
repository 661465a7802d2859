package dev.lifeline.jsch;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.Session;
import dev.lifeline.config.Config;
import dev.lifeline.policy.Policies;
import dev.lifeline.sessions.SshSessions;
import dev.lifeline.sessions.Sweep;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 22 item 5: a JSch session whose connect is under way drops out of {@code sessions} and
 * {@code SessionsOpenJsch} when a watchdog sweep runs between its registration and the mark that it is connecting
 * (600 concurrent connects: 599 listed). Here the sweep runs at exactly that point, deterministically: from the policy
 * lookup, which {@code connectStarting} makes in between. A real, unconnected JSch session; the hooks called directly.
 */
class ConnectingSessionListedTest {
    private static final Config CONFIG = Config.load("mode=enforce", Map.of(), Map.of());

    @AfterEach
    void clear() {
        Policies.use(null);
    }

    /** A watchdog tick's sweep (a test helper in sessions/: no reflection in a library package, ModuleMembersTest). */
    private static void sweep() {
        Sweep.now();
    }

    @Test
    void aSweepDuringTheConnectsStartLeavesTheSessionListed() throws Exception {
        AtomicInteger sweeps = new AtomicInteger();
        Policies.use(new Policies.Source() {
            @Override
            public Config config() {
                return CONFIG;
            }

            @Override
            public boolean active() {
                sweep(); // a watchdog tick on the deadline thread, just after the session was listed
                sweeps.incrementAndGet();
                return true;
            }
        });
        Session session = new JSch().getSession("app", "127.0.0.1", 22);
        int before = SshSessions.open("jsch");
        JschHooks.connectStarting(session, 5000);
        try {
            assertThat(sweeps.get()).as("the sweep ran inside connectStarting").isEqualTo(1);
            assertThat(SshSessions.open("jsch")).as("listed while its connect is under way").isEqualTo(before + 1);
            sweep(); // and later sweeps, while the connect runs, keep it too
            assertThat(SshSessions.open("jsch")).isEqualTo(before + 1);
        } finally {
            JschHooks.connectEnded(new IOException("refused"), session, 5000);
        }
        assertThat(SshSessions.open("jsch")).as("a failed connect leaves the list").isEqualTo(before);
        sweep();
        assertThat(SshSessions.open("jsch")).isEqualTo(before);
    }
}
