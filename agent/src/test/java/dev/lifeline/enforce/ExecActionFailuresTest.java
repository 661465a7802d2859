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
}
