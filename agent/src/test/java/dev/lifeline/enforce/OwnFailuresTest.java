package dev.lifeline.enforce;

import dev.lifeline.report.Counters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Issue 13: every failure on Lifeline's own threads is counted (internalErrors), and the action queue is bounded. */
class OwnFailuresTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureStderr() {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setErr(originalErr);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aDeadlineThatThrowsIsCountedAndLaterDeadlinesStillFire() {
        long before = Counters.Counter.INTERNAL_ERRORS.get();
        DeadlineScheduler.schedule("test.throws", 0, () -> {
            throw new IllegalStateException("boom");
        });
        AtomicInteger fired = new AtomicInteger();
        DeadlineScheduler.schedule("test.after", 10, fired::incrementAndGet);
        await().atMost(Duration.ofSeconds(10)).until(() -> fired.get() == 1);
        assertThat(Counters.Counter.INTERNAL_ERRORS.get() - before).isEqualTo(1);
        assertThat(stderr()).contains("event=deadline.failed deadline=test.throws error=\"java.lang.IllegalStateException: boom\"");
    }

    @Test
    void aFullActionQueueDropsCountsAndLogsOnceAndTheQueueDrainsAfterwards() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        long dropped = Counters.Counter.ACTIONS_DROPPED.get();
        long errors = Counters.Counter.INTERNAL_ERRORS.get();
        try {
            // both action threads stuck (as on a socket that never answers), then the queue filled
            for (int i = 0; i < 2; i++) {
                Actions.run("test.stuck", () -> {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> Actions.threads() == 2 && Actions.queued() == 0);
            for (int i = 0; i < Actions.CAPACITY; i++) {
                Actions.run("test.queued", ran::incrementAndGet);
            }
            assertThat(Actions.queued()).isEqualTo(Actions.CAPACITY);
            assertThat(Counters.Counter.ACTIONS_DROPPED.get()).isEqualTo(dropped);

            Actions.run("test.overflow", ran::incrementAndGet);
            Actions.run("test.overflow", ran::incrementAndGet);
            Actions.run("test.overflow", ran::incrementAndGet);

            assertThat(Counters.Counter.ACTIONS_DROPPED.get() - dropped).isEqualTo(3);
            assertThat(Counters.Counter.INTERNAL_ERRORS.get() - errors).isEqualTo(3);
            assertThat(stderr()).containsOnlyOnce("event=action.dropped").contains("action=test.overflow");
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> ran.get() == Actions.CAPACITY);
        assertThat(Actions.queued()).isZero();
    }
}
