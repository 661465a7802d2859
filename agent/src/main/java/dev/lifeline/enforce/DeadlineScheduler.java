package dev.lifeline.enforce;

import dev.lifeline.report.Log;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread for every deadline in the JVM (exec, close, connect). Tasks are removed from the queue when
 * cancelled, so a channel that ends normally leaves nothing behind. Created on first use only.
 */
public final class DeadlineScheduler {
    private static volatile ScheduledThreadPoolExecutor executor;
    /** Periodic checks ({@link #every}) sit in the queue for good: they are not deadlines. */
    private static final java.util.concurrent.atomic.AtomicInteger PERIODIC = new java.util.concurrent.atomic.AtomicInteger();

    private DeadlineScheduler() {
    }

    /** A pending deadline; {@link #cancel()} is cheap and idempotent. */
    public interface Deadline {
        void cancel();
    }

    public static Deadline schedule(final String what, long delayMillis, final Runnable action) {
        final ScheduledFuture<?> f = executor().schedule(new Runnable() {
            @Override
            public void run() {
                try {
                    action.run();
                } catch (Throwable t) {
                    Log.error("deadline.failed", "deadline", what, "error", t);
                }
            }
        }, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
        return new Deadline() {
            @Override
            public void cancel() {
                f.cancel(false);
            }
        };
    }

    /** A periodic background check (the configuration file watcher) on the same single thread. */
    public static Deadline every(final String what, long periodMillis, final Runnable action) {
        final ScheduledFuture<?> f = executor().scheduleWithFixedDelay(new Runnable() {
            @Override
            public void run() {
                try {
                    action.run();
                } catch (Throwable t) {
                    Log.error("deadline.failed", "deadline", what, "error", t);
                }
            }
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        PERIODIC.incrementAndGet();
        return new Deadline() {
            @Override
            public void cancel() {
                if (f.cancel(false)) {
                    PERIODIC.decrementAndGet();
                }
            }
        };
    }

    /** Deadlines still queued (periodic checks excluded): for leak tests and the JMX view. */
    public static int pending() {
        ScheduledThreadPoolExecutor e = executor;
        return e == null ? 0 : Math.max(0, e.getQueue().size() - PERIODIC.get());
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
