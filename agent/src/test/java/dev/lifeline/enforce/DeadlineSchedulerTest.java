package dev.lifeline.enforce;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** On a {@link ManualClock}: time passes when the test says, so "not yet" and "never" are exact. */
class DeadlineSchedulerTest {
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
    void deadlinesRunInDueOrderEvenWhenAnEarlierOneIsAddedLater() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        DeadlineScheduler.schedule("late", 300, () -> ran.add("late"));
        DeadlineScheduler.schedule("early", 50, () -> ran.add("early"));
        clock.advanceAndSettle(49);
        assertThat(ran).as("nothing before it is due").isEmpty();
        clock.advanceAndSettle(251);
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
        clock.advanceAndSettle(200);
        assertThat(ran).isEmpty();
    }

    /**
     * Arm and cancel per exec: a deadline later than the thread's wake-up does not wake it, yet runs on time. The
     * clock wakes the thread only when what it waits for is due (as a timed wait ends), so a deadline it was not told of
     * would wait a minute here, well past the 10 s the test gives it.
     */
    @Test
    void deadlinesArmedAndCancelledInALoopStillRunOnTime() throws Exception {
        for (int i = 0; i < 1000; i++) {
            DeadlineScheduler.schedule("close", 60_000 + i, () -> { }).cancel();
        }
        CountDownLatch ran = new CountDownLatch(1);
        DeadlineScheduler.schedule("later", 70_000, () -> { }).cancel(); // later than the wait: no wake-up
        DeadlineScheduler.schedule("soon", 150, ran::countDown); // earlier: wakes the thread
        clock.advance(150);
        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        CountDownLatch second = new CountDownLatch(1);
        DeadlineScheduler.Deadline a = DeadlineScheduler.schedule("a", 200, () -> { });
        a.cancel(); // the thread still waits for a's time
        DeadlineScheduler.schedule("b", 300, second::countDown); // later than that wait: found when it ends
        clock.advanceAndSettle(200);
        assertThat(second.getCount()).as("b not before its time").isEqualTo(1);
        clock.advance(100);
        assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aThrowingActionDoesNotStopTheOthers() throws Exception {
        CountDownLatch next = new CountDownLatch(1);
        DeadlineScheduler.schedule("throws", 10, () -> {
            throw new IllegalStateException("test");
        });
        DeadlineScheduler.schedule("next", 50, next::countDown);
        clock.advance(50);
        assertThat(next.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aPeriodicCheckRunsUntilCancelledAndIsNotCountedAsPending() throws Exception {
        int before = DeadlineScheduler.pending();
        CountDownLatch three = new CountDownLatch(3);
        DeadlineScheduler.Deadline d = DeadlineScheduler.every("periodic", 20, three::countDown);
        assertThat(DeadlineScheduler.pending()).isEqualTo(before);
        for (int i = 0; i < 3; i++) {
            clock.advanceAndSettle(20);
        }
        assertThat(three.getCount()).as("one run per period").isZero();
        d.cancel();
        List<String> ran = new CopyOnWriteArrayList<>();
        DeadlineScheduler.Deadline after = DeadlineScheduler.every("cancelled at once", 20, () -> ran.add("x"));
        after.cancel();
        clock.advanceAndSettle(100);
        assertThat(ran).isEmpty();
        assertThat(DeadlineScheduler.pending()).isEqualTo(before);
    }
}
