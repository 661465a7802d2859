package dev.lifeline.enforce;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class DeadlineSchedulerTest {
    @Test
    void deadlinesRunInDueOrderEvenWhenAnEarlierOneIsAddedLater() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        CountDownLatch both = new CountDownLatch(2);
        DeadlineScheduler.schedule("late", 300, () -> { ran.add("late"); both.countDown(); });
        DeadlineScheduler.schedule("early", 50, () -> { ran.add("early"); both.countDown(); });
        assertThat(both.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).containsExactly("early", "late");
    }

    @Test
    void aCancelledDeadlineNeverRunsAndLeavesNothingQueued() throws Exception {
        int before = DeadlineScheduler.pending();
        List<String> ran = new CopyOnWriteArrayList<>();
        DeadlineScheduler.Deadline d = DeadlineScheduler.schedule("cancelled", 100, () -> ran.add("cancelled"));
        assertThat(DeadlineScheduler.pending()).isEqualTo(before + 1);
        d.cancel();
        d.cancel(); // idempotent
        assertThat(DeadlineScheduler.pending()).isEqualTo(before);
        CountDownLatch later = new CountDownLatch(1);
        DeadlineScheduler.schedule("after", 200, later::countDown);
        assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ran).isEmpty();
    }

    /** Arm and cancel per exec: a deadline later than the thread's wake-up does not wake it, yet runs on time. */
    @Test
    void deadlinesArmedAndCancelledInALoopStillRunOnTime() throws Exception {
        for (int i = 0; i < 1000; i++) {
            DeadlineScheduler.schedule("close", 5000 + i, () -> { }).cancel();
        }
        long start = System.nanoTime();
        CountDownLatch ran = new CountDownLatch(1);
        DeadlineScheduler.schedule("later", 6000, () -> { }).cancel(); // later than the wait: no wake-up
        DeadlineScheduler.schedule("soon", 150, ran::countDown); // earlier: wakes the thread
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(140L, 1500L);
        CountDownLatch second = new CountDownLatch(1);
        long t0 = System.nanoTime();
        DeadlineScheduler.Deadline a = DeadlineScheduler.schedule("a", 200, () -> { });
        a.cancel(); // the thread still waits for a's time
        DeadlineScheduler.schedule("b", 300, second::countDown); // later than that wait: found when it ends
        assertThat(second.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(290L, 1500L);
    }

    @Test
    void aThrowingActionDoesNotStopTheOthers() throws Exception {
        CountDownLatch next = new CountDownLatch(1);
        DeadlineScheduler.schedule("throws", 10, () -> {
            throw new IllegalStateException("test");
        });
        DeadlineScheduler.schedule("next", 50, next::countDown);
        assertThat(next.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aPeriodicCheckRunsUntilCancelledAndIsNotCountedAsPending() throws Exception {
        int before = DeadlineScheduler.pending();
        CountDownLatch three = new CountDownLatch(3);
        DeadlineScheduler.Deadline d = DeadlineScheduler.every("periodic", 20, three::countDown);
        assertThat(DeadlineScheduler.pending()).isEqualTo(before);
        assertThat(three.await(5, TimeUnit.SECONDS)).isTrue();
        d.cancel();
        List<String> ran = new CopyOnWriteArrayList<>();
        DeadlineScheduler.Deadline after = DeadlineScheduler.every("cancelled at once", 20, () -> ran.add("x"));
        after.cancel();
        Thread.sleep(100);
        assertThat(ran).isEmpty();
        assertThat(DeadlineScheduler.pending()).isEqualTo(before);
    }
}
