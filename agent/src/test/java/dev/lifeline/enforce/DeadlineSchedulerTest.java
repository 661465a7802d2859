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
