package dev.lifeline.enforce;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A clock that moves only when the test moves it, installed on {@link DeadlineScheduler} (and so read by what measures
 * against its deadlines: {@link ExecDeadline}, {@link BlockedThreads}, the sessions watchdog) until {@link #close()}.
 * A test advances it past a deadline instead of sleeping through it, and {@link #advanceAndSettle} returns once every
 * deadline due by then has run, so "nothing happened" is asserted after the point has surely passed.
 *
 * <p>It starts where {@link System#nanoTime()} is, so deadlines other tests left queued keep their place.
 */
public final class ManualClock implements LongSupplier, AutoCloseable {
    private final AtomicLong now = new AtomicLong(System.nanoTime());

    private ManualClock() {
    }

    public static ManualClock install() {
        ManualClock c = new ManualClock();
        DeadlineScheduler.useClock(c);
        return c;
    }

    @Override
    public long getAsLong() {
        return now.get();
    }

    /** Moves the clock on; the deadline thread wakes if what it waits for is due. Returns at once. */
    public void advance(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
        DeadlineScheduler.clockMoved();
    }

    /** {@link #advance}, then {@link #settle}. */
    public void advanceAndSettle(long millis) throws InterruptedException {
        advance(millis);
        settle();
    }

    /**
     * Returns once every deadline due now has run: a marker deadline due now runs after them (the thread runs
     * deadlines one at a time, in due order). What they hand to {@link Actions} may still be running.
     */
    public void settle() throws InterruptedException {
        CountDownLatch marker = new CountDownLatch(1);
        DeadlineScheduler.schedule("test.settle", 0, marker::countDown);
        if (!marker.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the deadline thread did not reach a deadline due now within 10 s");
        }
    }

    /** Back to {@link System#nanoTime()}. */
    @Override
    public void close() {
        DeadlineScheduler.useClock(null);
    }
}
