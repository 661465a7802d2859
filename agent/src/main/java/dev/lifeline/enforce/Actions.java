package dev.lifeline.enforce;

import dev.lifeline.report.AgentThreads;
import dev.lifeline.report.Counters;
import dev.lifeline.report.Log;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where deadline actions that talk to the network run (a signal request, a channel close): those may block on a
 * stuck socket, and the deadline thread must never block. At most two threads, and only while there is work: they
 * end after a few idle seconds, so a JVM where no deadline fires has none. Whatever blocks here is bounded by a
 * later forced socket close that runs on the deadline thread itself.
 *
 * <p>The queue is bounded ({@link #CAPACITY}): when both threads are stuck and the queue is full, an action is dropped,
 * counted ({@code actionsDropped} and {@code internalErrors}) and logged, the first time only
 * ({@code action.dropped}); the forced close that follows on the deadline thread still ends the channel.
 */
public final class Actions {
    /** Actions waiting for a thread, at most. */
    static final int CAPACITY = 1024;
    private static volatile ThreadPoolExecutor executor;
    private static volatile boolean droppedLogged;

    private Actions() {
    }

    public static void run(final String what, final Runnable action) {
        try {
            executor().execute(new Runnable() {
                @Override
                public void run() {
                    try {
                        action.run();
                    } catch (Throwable t) {
                        Counters.increment(Counters.Counter.INTERNAL_ERRORS);
                        Log.warn("action.failed", "action", what, "error", t);
                    }
                }
            });
        } catch (RejectedExecutionException full) {
            Counters.increment(Counters.Counter.ACTIONS_DROPPED);
            Counters.increment(Counters.Counter.INTERNAL_ERRORS);
            if (!droppedLogged) {
                droppedLogged = true;
                Log.warn("action.dropped", "action", what, "queued", CAPACITY, "reason", "action queue full",
                        "action_taken", "dropped; later drops are only counted (actionsDropped)");
            }
        } catch (Throwable t) {
            Counters.increment(Counters.Counter.INTERNAL_ERRORS);
            Log.warn("action.failed", "action", what, "error", t);
        }
    }

    /** Actions queued and not yet started: for tests. */
    static int queued() {
        ThreadPoolExecutor e = executor;
        return e == null ? 0 : e.getQueue().size();
    }

    /** Nothing queued and nothing running: for tests that count what an action did (counters are global). */
    public static boolean idle() {
        ThreadPoolExecutor e = executor;
        return e == null || e.getCompletedTaskCount() == e.getTaskCount(); // both read under the pool's own lock
    }

    /** Live action threads: for leak tests. */
    public static int threads() {
        ThreadPoolExecutor e = executor;
        return e == null ? 0 : e.getPoolSize();
    }

    private static ThreadPoolExecutor executor() {
        ThreadPoolExecutor e = executor;
        if (e == null) {
            synchronized (Actions.class) {
                e = executor;
                if (e == null) {
                    e = new ThreadPoolExecutor(2, 2, 5, TimeUnit.SECONDS, new ArrayBlockingQueue<Runnable>(CAPACITY),
                            new ThreadFactory() {
                                @Override
                                public Thread newThread(Runnable r) {
                                    return AgentThreads.daemon(r, "lifeline-actions"); // keeps nothing of the app's thread
                                }
                            });
                    e.allowCoreThreadTimeOut(true);
                    executor = e;
                }
            }
        }
        return e;
    }
}
