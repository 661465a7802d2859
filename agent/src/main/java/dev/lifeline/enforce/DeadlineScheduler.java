package dev.lifeline.enforce;

import dev.lifeline.report.Counters;
import dev.lifeline.report.Log;

import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One daemon thread for every deadline in the JVM (exec, close, connect). Created on first use only.
 *
 * <p>Most deadlines are cancelled long before they are due (every {@code disconnect()} arms {@code close.timeout}),
 * so arming and cancelling must cost next to nothing: a deadline goes into a sorted set, and the executor holds one
 * wake-up, at the earliest deadline, re-armed only when a new deadline is earlier than it. Cancelling removes the
 * entry; a wake-up that finds nothing due re-arms for what is left. So a channel that ends normally leaves nothing
 * behind, and thousands of short-lived channels do not each wake the deadline thread.
 */
public final class DeadlineScheduler {
    private static volatile ScheduledThreadPoolExecutor executor;
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final ConcurrentSkipListSet<Task> PENDING = new ConcurrentSkipListSet<Task>();
    /** When the executor's wake-up is due (nanoTime), or Long.MAX_VALUE when none is queued. Guarded by PENDING. */
    private static long wakeDueNanos = Long.MAX_VALUE;

    private DeadlineScheduler() {
    }

    /** A pending deadline; {@link #cancel()} is cheap and idempotent. */
    public interface Deadline {
        void cancel();
    }

    private static final class Task implements Deadline, Comparable<Task> {
        final long dueNanos;
        final long seq = SEQUENCE.incrementAndGet();
        final String what;
        final Runnable action;

        Task(long dueNanos, String what, Runnable action) {
            this.dueNanos = dueNanos;
            this.what = what;
            this.action = action;
        }

        @Override
        public void cancel() {
            PENDING.remove(this);
        }

        @Override
        public int compareTo(Task o) {
            if (dueNanos != o.dueNanos) {
                return dueNanos - o.dueNanos < 0 ? -1 : 1;
            }
            return seq < o.seq ? -1 : (seq == o.seq ? 0 : 1);
        }
    }

    public static Deadline schedule(final String what, long delayMillis, final Runnable action) {
        Task t = new Task(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, delayMillis)), what, action);
        PENDING.add(t);
        wakeBy(t.dueNanos);
        return t;
    }

    /** Makes sure the executor wakes by {@code dueNanos}; a wake-up already queued earlier is enough. */
    private static void wakeBy(long dueNanos) {
        synchronized (PENDING) {
            if (wakeDueNanos != Long.MAX_VALUE && wakeDueNanos - dueNanos <= 0) {
                return;
            }
            wakeDueNanos = dueNanos;
        }
        long delay = dueNanos - System.nanoTime();
        executor().schedule(new Runnable() {
            @Override
            public void run() {
                runDue();
            }
        }, Math.max(0, delay), TimeUnit.NANOSECONDS);
    }

    /** On the deadline thread: runs what is due, then queues one wake-up for the earliest deadline left. */
    private static void runDue() {
        synchronized (PENDING) {
            wakeDueNanos = Long.MAX_VALUE;
        }
        while (true) {
            Task first;
            try {
                first = PENDING.first();
            } catch (java.util.NoSuchElementException empty) {
                return;
            }
            if (first.dueNanos - System.nanoTime() > 0) {
                wakeBy(first.dueNanos);
                return;
            }
            if (!PENDING.remove(first)) {
                continue; // cancelled meanwhile
            }
            try {
                first.action.run();
            } catch (Throwable t) {
                Counters.increment(Counters.Counter.INTERNAL_ERRORS);
                Log.error("deadline.failed", "deadline", first.what, "error", t);
            }
        }
    }

    /** A periodic background check on the same single thread (not the configuration file: that has its own thread). */
    public static Deadline every(final String what, long periodMillis, final Runnable action) {
        final ScheduledFuture<?> f = executor().scheduleWithFixedDelay(new Runnable() {
            @Override
            public void run() {
                try {
                    action.run();
                } catch (Throwable t) {
                    Counters.increment(Counters.Counter.INTERNAL_ERRORS);
                    Log.error("deadline.failed", "deadline", what, "error", t);
                }
            }
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        return new Deadline() {
            @Override
            public void cancel() {
                f.cancel(false);
            }
        };
    }

    /** Deadlines still queued (periodic checks excluded): for leak tests and the JMX view. */
    public static int pending() {
        return PENDING.size();
    }

    private static ScheduledThreadPoolExecutor executor() {
        ScheduledThreadPoolExecutor e = executor;
        if (e == null) {
            synchronized (DeadlineScheduler.class) {
                e = executor;
                if (e == null) {
                    e = new ScheduledThreadPoolExecutor(1, new ThreadFactory() {
                        @Override
                        public Thread newThread(Runnable r) {
                            Thread t = new Thread(r, "lifeline-deadlines");
                            t.setDaemon(true);
                            return t;
                        }
                    });
                    e.setRemoveOnCancelPolicy(true);
                    e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
                    executor = e;
                }
            }
        }
        return e;
    }
}
