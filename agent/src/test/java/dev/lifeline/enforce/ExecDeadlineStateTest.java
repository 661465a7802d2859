package dev.lifeline.enforce;

import dev.lifeline.config.Config;
import dev.lifeline.config.Policy;
import dev.lifeline.report.Counters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The exec deadline's states against a fake channel: TERM, KILL and close, in order, and nothing once ended. On a
 * {@link ManualClock}: time passes when the test says, so a slow or paused test JVM cannot make the idle clock fire.
 */
class ExecDeadlineStateTest {
    static final class FakeChannel implements ChannelControl {
        final List<String> actions = new CopyOnWriteArrayList<>();
        volatile boolean closed;
        volatile boolean ignoresTerm = true;

        @Override
        public void signal(String name) {
            actions.add(name);
            if (!ignoresTerm) {
                closed = true;
            }
        }

        @Override
        public void close() {
            actions.add("close");
            closed = true;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public boolean isClosing() {
            return closed;
        }

        @Override
        public void forceCloseSession() {
            actions.add("force");
        }
    }

    static Policy policy(String args) {
        return Config.load(args, Collections.emptyMap(), Collections.emptyMap()).policyFor("h", null, 22);
    }

    private ManualClock clock;

    @BeforeEach
    void manualClock() {
        clock = ManualClock.install();
    }

    @AfterEach
    void systemClock() {
        clock.close();
    }

    // ExecDeadline arms its check 1 ms after the limit (it rounds its delay up): the advances below pass it by 10 ms.

    @Test
    void aCommandThatIgnoresTermIsKilledAndClosedAfterTheGrace() throws Exception {
        Object channel = new Object();
        FakeChannel fake = new FakeChannel();
        ExecDeadline.started(channel, fake, policy("mode=fill,exec.timeout=100ms,exec.killGrace=100ms"), "test", null);
        clock.advanceAndSettle(110); // settled: the check that sent TERM has also armed the grace
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.actions.contains("TERM"));
        clock.advance(110);
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.actions.contains("close"));
        assertThat(fake.actions).containsExactly("TERM", "KILL", "close");
        assertThat(ExecDeadline.endedByDeadline(channel)).isTrue();
        ExecDeadline.ended(channel);
        assertThat(ExecDeadline.endedByDeadline(channel)).as("remembered after the channel ended").isTrue();
    }

    @Test
    void aCommandThatEndsBeforeItsDeadlineIsLeftAlone() throws Exception {
        Object channel = new Object();
        FakeChannel fake = new FakeChannel();
        int watched = ExecDeadline.watched();
        ExecDeadline.started(channel, fake, policy("mode=fill,exec.timeout=150ms"), "test", null);
        assertThat(ExecDeadline.watched()).isEqualTo(watched + 1);
        ExecDeadline.ended(channel);
        assertThat(ExecDeadline.watched()).isEqualTo(watched);
        clock.advanceAndSettle(300);
        assertThat(fake.actions).isEmpty();
        assertThat(ExecDeadline.endedByDeadline(channel)).isFalse();
    }

    @Test
    void outputKeepsTheIdleClockFromFiring() throws Exception {
        Object channel = new Object();
        FakeChannel fake = new FakeChannel();
        ExecDeadline.started(channel, fake, policy("mode=fill,exec.idleTimeout=300ms"), "test", null);
        for (int i = 0; i < 6; i++) { // 600 ms in all, twice the idle timeout, never 300 ms without output
            clock.advanceAndSettle(100);
            ExecDeadline.output(channel);
        }
        assertThat(fake.actions).isEmpty();
        assertThat(ExecDeadline.endedByDeadline(channel)).isFalse();
        clock.advance(310);
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.actions.contains("TERM"));
        ExecDeadline.ended(channel);
    }

    @Test
    void auditOnlyReports() throws Exception {
        Object channel = new Object();
        FakeChannel fake = new FakeChannel();
        long audited = Counters.Counter.EXEC_DEADLINES_AUDITED.get();
        ExecDeadline.started(channel, fake, policy("mode=audit,exec.timeout=50ms"), "test", null);
        clock.advanceAndSettle(300);
        assertThat(Counters.Counter.EXEC_DEADLINES_AUDITED.get()).as("the deadline came").isEqualTo(audited + 1);
        assertThat(fake.actions).isEmpty();
        assertThat(ExecDeadline.endedByDeadline(channel)).isFalse();
    }
}
