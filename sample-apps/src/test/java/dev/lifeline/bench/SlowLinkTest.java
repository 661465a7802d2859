package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JSch's {@code setServerAliveInterval(ms)} is {@code setTimeout(ms)}, and JSch bounds by that timeout every write made
 * during a key exchange. Over a link whose server side answers 1.2 s late (a healthy, slow peer: {@link DelayedLink}),
 * an app that sets 1 s itself fails the first channel it opens during a re-key ("timeout in waiting for rekeying
 * process"): that is the control, JSch's own behaviour, and what Lifeline's {@code keepalive.interval=1s} did to every
 * JSch app until it set the interval after the connect and left the key-exchange wait the app's (OpenSSH's
 * ServerAliveInterval bounds no key exchange, and a peer that answers is alive). Under the agent the same app
 * connects, re-keys, runs a command opened during the re-key, and its session has the 1 s keepalive.
 */
class SlowLinkTest {
    private static final long LINK_DELAY_MS = 1200;

    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().build();

    private static String[] target(DelayedLink link) {
        String[] t = SSHD.server().target("echo slow-link-ok");
        t[1] = String.valueOf(link.port());
        return t;
    }

    @Test
    void jschWithItsOwnOneSecondTimeoutFailsAReKeyOverTheSlowLink() throws Exception {
        try (DelayedLink link = new DelayedLink(SSHD.server().port, LINK_DELAY_MS);
             ForkedJvm app = Bench.app("JschExec", Library.JSCH_MWIEDE, Bench.defaultJdk()).sysprop("sample.timeoutMs", "1000")
                     .sysprop("sample.connectTimeoutMs", "30000")
                     .sysprop("sample.rekey", "true")
                     .args(target(link)).start()) {
            app.awaitExit(90_000);
            assertThat(app.result()).as(app.output()).containsEntry("status", "error");
            assertThat(app.result().get("error")).contains("timeout in waiting for rekeying process");
        }
    }

    @Test
    void lifelinesOneSecondIntervalBoundsNoKeyExchange() throws Exception {
        try (DelayedLink link = new DelayedLink(SSHD.server().port, LINK_DELAY_MS);
             ForkedJvm app = Bench.withAgent(Bench.app("JschExec", Library.JSCH_MWIEDE, Bench.defaultJdk()).sysprop("sample.rekey", "true"),
                     "keepalive.interval=1s,keepalive.countMax=3").args(target(link)).start()) {
            app.awaitExit(90_000);
            assertThat(app.result()).as(app.output()).containsEntry("status", "ok").containsEntry("out", "slow-link-ok");
            assertThat(app.stderr()).anyMatch(l -> l.contains("event=session.configured") && l.contains("keepalive.interval=1s(set)"));
            assertThat(app.stderr()).noneMatch(l -> l.contains("event=keepalive.declared-dead") || l.contains("internal.error"));
        }
    }
}
