package dev.lifeline.enforce;

import dev.lifeline.config.Config;
import dev.lifeline.config.Policy;
import dev.lifeline.report.Counters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code forward.idleTimeout} against a fake forwarded connection on a {@link ManualClock}: closed once idle for the
 * limit, kept while data moves through the channel or an alias, never closed in audit, off by default.
 */
class ForwardIdleTest {
    static final class FakeForward implements ForwardIdle.Closer {
        final AtomicInteger closes = new AtomicInteger();
        volatile boolean closed;

        @Override
        public void close() {
            closes.incrementAndGet();
            closed = true;
        }

        @Override
        public boolean isClosed() {
            return closed;
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

    @Test
    void offByDefault() {
        assertThat(ForwardIdle.applies(policy(""))).isFalse();
        assertThat(ForwardIdle.applies(policy("forward.idleTimeout=2s"))).isTrue();
        assertThat(ForwardIdle.applies(policy("forward.idleTimeout=2s,mode=off"))).isFalse();
    }

    @Test
    void perHostRulesSetIt() {
        Config c = Config.load("host.db.match=db*,host.db.forward.idleTimeout=3s", Collections.emptyMap(),
                Collections.emptyMap());
        assertThat(c.errors()).isEmpty();
        assertThat(c.policyFor("db1", null, 22).forwardIdleTimeoutMillis()).isEqualTo(3000);
        assertThat(c.policyFor("web1", null, 22).forwardIdleTimeoutMillis()).isZero();
        assertThat(Config.load("forward.idleTimout=3s", Collections.emptyMap(), Collections.emptyMap()).warnings().toString())
                .contains("did you mean forward.idleTimeout?");
    }

    @Test
    void anIdleConnectionIsClosedOnceAtTheLimit() throws Exception {
        Object channel = new Object();
        FakeForward fake = new FakeForward();
        long before = Counters.Counter.FORWARD_IDLE_CLOSED.get();
        ForwardIdle.started(channel, fake, policy("forward.idleTimeout=2s"), "test", "db:5432");
        assertThat(ForwardIdle.describe(channel)).startsWith("forward.idleTimeout=2s (idle ");
        clock.advanceAndSettle(1990);
        assertThat(fake.closes.get()).isZero();
        clock.advanceAndSettle(20);
        await().atMost(Duration.ofSeconds(5)).until(() -> fake.closes.get() == 1);
        assertThat(Counters.Counter.FORWARD_IDLE_CLOSED.get()).isEqualTo(before + 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> ForwardIdle.describe(channel) == null);
        clock.advanceAndSettle(5000);
        assertThat(fake.closes.get()).isEqualTo(1);
    }

    @Test
    void dataEitherWayKeepsItOpen() throws Exception {
        Object channel = new Object();
        Object outgoingStream = new Object();
        FakeForward fake = new FakeForward();
        ForwardIdle.started(channel, fake, policy("forward.idleTimeout=1s"), "test", "db:5432", outgoingStream);
        for (int i = 0; i < 10; i++) {
            clock.advanceAndSettle(500);
            ForwardIdle.activity(i % 2 == 0 ? channel : outgoingStream); // in, then out
        }
        assertThat(fake.closes.get()).isZero();
        ForwardIdle.ended(outgoingStream); // ended through an alias: every key goes
        assertThat(ForwardIdle.describe(channel)).isNull();
        clock.advanceAndSettle(5000);
        assertThat(fake.closes.get()).isZero();
    }

    @Test
    void auditClosesNothing() throws Exception {
        Object channel = new Object();
        FakeForward fake = new FakeForward();
        long audited = Counters.Counter.FORWARD_IDLE_AUDITED.get();
        ForwardIdle.started(channel, fake, policy("mode=audit,forward.idleTimeout=1s"), "test", "db:5432");
        clock.advanceAndSettle(1100);
        clock.advanceAndSettle(5000);
        assertThat(fake.closes.get()).isZero();
        assertThat(Counters.Counter.FORWARD_IDLE_AUDITED.get()).isEqualTo(audited + 1);
        assertThat(ForwardIdle.describe(channel)).isNull();
    }

    @Test
    void aConnectionClosedByOthersIsForgotten() throws Exception {
        Object channel = new Object();
        FakeForward fake = new FakeForward();
        ForwardIdle.started(channel, fake, policy("forward.idleTimeout=1s"), "test", "db:5432");
        fake.closed = true;
        clock.advanceAndSettle(1100);
        assertThat(fake.closes.get()).isZero();
        assertThat(ForwardIdle.describe(channel)).isNull();
    }
}
