package dev.lifeline.enforce;

import dev.lifeline.config.Config;
import dev.lifeline.config.Policy;
import dev.lifeline.report.Counters;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Issue 13: a signal or close the server refuses is counted as internalErrors (operations.md said so; it was not). */
class ExecActionFailuresTest {
    @Test
    void refusedSignalsAndCloseAreCountedAndTheSessionIsStillForcedShut() {
        Config c = Config.load("mode=enforce,exec.timeout=100ms,exec.killGrace=100ms,close.timeout=200ms", Map.of(), Map.of());
        assertThat(c.errors()).isEmpty();
        Policy policy = c.policyFor("db1.example.com", null, 22);
        List<String> calls = new CopyOnWriteArrayList<>();
        ChannelControl refusing = new ChannelControl() {
            @Override
            public void signal(String name) throws Exception {
                calls.add("signal " + name);
                throw new java.io.IOException("channel is broken");
            }

            @Override
            public void close() throws Exception {
                calls.add("close");
                throw new java.io.IOException("channel is broken");
            }

            @Override
            public boolean isClosed() {
                return false;
            }

            @Override
            public boolean isClosing() {
                return false;
            }

            @Override
            public void forceCloseSession() {
                calls.add("forced");
            }
        };
        long before = Counters.Counter.INTERNAL_ERRORS.get();
        Object channel = new Object();
        ExecDeadline.started(channel, refusing, policy, "jsch", "sleep 100");
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.contains("forced"));
        assertThat(calls).containsSubsequence("signal TERM", "signal KILL", "close", "forced");
        assertThat(Counters.Counter.INTERNAL_ERRORS.get() - before).as("TERM, KILL and close refused").isEqualTo(3);
        ExecDeadline.ended(channel);
    }

    /** Ganymed and Trilead before Jenkins' fork send no signals: the lines must not say TERM or KILL was sent. */
    @Test
    void aLibraryWithoutSignalsIsNotSaidToHaveBeenSentTerm() {
        Config c = Config.load("mode=enforce,exec.timeout=100ms,exec.killGrace=100ms,close.timeout=200ms", Map.of(), Map.of());
        Policy policy = c.policyFor("db1.example.com", null, 22);
        List<String> calls = new CopyOnWriteArrayList<>();
        ChannelControl mute = new ChannelControl() {
            @Override
            public boolean sendsSignals() {
                return false;
            }

            @Override
            public void signal(String name) {
                calls.add("signal " + name); // the library's own no-op, as Ssh2Api.signal
            }

            @Override
            public void close() {
                calls.add("close");
            }

            @Override
            public boolean isClosed() {
                return calls.contains("close");
            }

            @Override
            public boolean isClosing() {
                return false;
            }

            @Override
            public void forceCloseSession() {
            }
        };
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        Object channel = new Object();
        try {
            ExecDeadline.started(channel, mute, policy, "ganymed", "sleep 100");
            await().atMost(Duration.ofSeconds(10)).until(() -> calls.contains("close"));
        } finally {
            System.setErr(stderr);
            ExecDeadline.ended(channel);
        }
        String lines = log.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(lines).contains("event=exec.deadline-fired").contains("action=\"none (the library sends no signals)\"")
                .contains("next=\"close after 100ms\"").doesNotContain("action=TERM").doesNotContain("KILL");
    }
}
