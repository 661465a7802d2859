package dev.lifeline.sessions;

import dev.lifeline.config.Config;
import dev.lifeline.enforce.SftpDeadline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 25: {@code sessions} lists the SFTP requests waiting on a channel under {@code sftp.timeout}, with their age. */
class SftpRequestsListedTest {
    @AfterEach
    void clear() {
        SshSessions.OPEN.clear();
    }

    @Test
    void aWaitingRequestIsListedUnderItsChannelUntilAnswered() {
        SessionRegistryTest.FakeSession s = new SessionRegistryTest.FakeSession();
        SshSessions.opened(s, "jsch", "files.example.com", 22, SessionRegistryTest.VIEW);
        SftpDeadline.SftpControl nothing = new SftpDeadline.SftpControl() {
            @Override
            public void failRequest(IOException why) {
            }

            @Override
            public void closeChannel() {
            }
        };
        Object handle = SftpDeadline.started(null, s.channel, nothing,
                Config.load("sftp.timeout=1h", Collections.emptyMap(), Collections.emptyMap()).policyFor("files.example.com", null, 22),
                "jsch", "response");
        try {
            assertThat(SshSessions.table()).containsPattern("\\n   channel exec .*\\n     sftp request response waiting \\S+ \\(sftp.timeout=1h\\)\\n");
        } finally {
            SftpDeadline.answered(handle);
        }
        assertThat(SshSessions.table()).doesNotContain("sftp request");
    }
}
