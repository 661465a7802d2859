package dev.lifeline.sessions;

import dev.lifeline.report.Applied;
import dev.lifeline.report.Counters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 24, in process: what an attach reports of the sessions it found already open, and when a later attach may
 * still bring one under its settings (one found in audit: the rescue recipe audits first). The forked-JVM half, against
 * OpenSSH, is sample-apps' StuckNowAttachTest.
 */
class FoundAtAttachTest {
    @AfterEach
    void clear() {
        SshSessions.OPEN.clear();
        Watchdog.threshold(0);
    }

    @Test
    void theReportSaysPerLibraryHowManyWereFoundAndProtectedAndWhyNot() {
        FoundAtAttach.begin("enforce", Arrays.asList("jsch", "sshd", "sshj"));
        FoundAtAttach.found("jsch", "10.0.0.5:22", null);
        FoundAtAttach.found("jsch", "10.0.0.6:22", "mode off for this host");
        FoundAtAttach.found("sshj", "10.0.0.7:2222", null);
        FoundAtAttach.note("sshj", "10.0.0.7:2222", "1 channel open at attach gets no exec deadline");
        assertThat(FoundAtAttach.finish()).isEqualTo("3 found, 2 protected");
        assertThat(FoundAtAttach.text()).isEqualTo(
                "jsch: 2 sessions open, 1 brought under protection\n"
                        + "sshd: 0 sessions open, 0 brought under protection\n"
                        + "sshj: 1 session open, 1 brought under protection\n"
                        + "  not protected: jsch 10.0.0.6:22: mode off for this host\n"
                        + "  note: sshj 10.0.0.7:2222: 1 channel open at attach gets no exec deadline\n");

        FoundAtAttach.begin("audit", Arrays.asList("jsch"));
        FoundAtAttach.found("jsch", "10.0.0.5:22", null);
        FoundAtAttach.finish();
        assertThat(FoundAtAttach.text()).contains("jsch: 1 session open, 1 would be brought under protection")
                .contains("mode=audit: nothing was changed");
    }

    @Test
    void aSessionFoundInAuditAwaitsTheNextAttachOneBroughtUnderDoesNot() {
        long seen = Counters.Counter.SESSIONS_SEEN.get();
        long found0 = Counters.Counter.SESSIONS_FOUND_AT_ATTACH.get();
        long changed = Counters.Counter.SESSIONS_CHANGED.get();
        Object openedUnderAgent = new Object();
        Object found = new Object();
        SshSessions.opened(openedUnderAgent, "jsch", "h", 22, SessionRegistryTest.VIEW);
        assertThat(SshSessions.awaitsProtection(openedUnderAgent)).isFalse();
        assertThat(SshSessions.awaitsProtection(found)).isTrue();

        assertThat(SshSessions.foundAtAttach(found, "jsch", "h", 22, SessionRegistryTest.VIEW)).isTrue(); // audit
        assertThat(SshSessions.awaitsProtection(found)).isTrue();
        assertThat(SshSessions.foundAtAttach(found, "jsch", "h", 22, SessionRegistryTest.VIEW)).isTrue(); // enforce
        Applied applied = new Applied();
        applied.record("keepalive.interval", "1000ms", "set");
        SshSessions.broughtUnder(found, applied);
        SshSessions.broughtUnder(found, applied); // once only
        assertThat(SshSessions.awaitsProtection(found)).isFalse();
        assertThat(SshSessions.foundAtAttach(found, "jsch", "h", 22, SessionRegistryTest.VIEW)).isFalse();
        assertThat(SshSessions.foundAtAttach(openedUnderAgent, "jsch", "h", 22, SessionRegistryTest.VIEW)).isFalse();
        assertThat(SshSessions.open()).isEqualTo(2);
        // found twice (audit, then enforce), counted once; seen like the one opened under the agent (counted where its
        // plan is configured, not on registration), changed once Lifeline set something on it
        assertThat(Counters.Counter.SESSIONS_FOUND_AT_ATTACH.get() - found0).isEqualTo(1);
        assertThat(Counters.Counter.SESSIONS_SEEN.get() - seen).isEqualTo(1);
        assertThat(Counters.Counter.SESSIONS_CHANGED.get() - changed).isEqualTo(1);
    }
}
