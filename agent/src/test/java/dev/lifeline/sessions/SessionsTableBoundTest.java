package dev.lifeline.sessions;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 22, item 10: the {@code sessions} output and the {@code Sessions} attribute had no size bound (2000 sessions:
 * 1.29 MB). The table lists 200 sessions in full, stays under 256 KB, and says how many it left out.
 */
class SessionsTableBoundTest {
    @AfterEach
    void clear() {
        SshSessions.OPEN.clear();
    }

    @Test
    void twoThousandSessionsMakeABoundedTableThatSaysWhatItLeftOut() {
        for (int i = 0; i < 2000; i++) {
            SshSessions.opened(new SessionRegistryTest.FakeSession(), "jsch", "host-" + i + ".example.com", 22,
                    SessionRegistryTest.VIEW);
        }
        String table = SshSessions.table();
        assertThat(table).startsWith("2000 sessions open")
                .contains("... 1800 more sessions not listed (the table lists at most 200 sessions, 256 KB");
        assertThat(table.length()).isLessThan(SessionsTable.MAX_CHARS + 4096);
        assertThat(table.lines().filter(l -> l.startsWith("#"))).hasSize(200);
    }
}
