package dev.lifeline.enforce;

import dev.lifeline.report.Counters;
import dev.lifeline.report.Log;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where deadline actions that talk to the network run (a signal request, a channel close): those may block on a
 * stuck socket, and the deadline thread must never block. At most two threads, and only while there is work: they
 * end after a few idle seconds, so a JVM where no deadline fires has none. Whatever blocks here is bounded by a
 * later forced socket close that runs on the deadline thread itself.
 */
public final class Actions {
    private static volatile ThreadPoolExecutor executor;

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
        } catch (Throwable t) {
            Counters.increment(Counters.Counter.INTERNAL_ERRORS);
            Log.warn("action.failed", "action", what, "error", t);
        }
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
                    e = new ThreadPoolExecutor(2, 2, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<Runnable>(),
                            new ThreadFactory() {
                                @Override
                                public Thread newThread(Runnable r) {
                                    Thread t = new Thread(r, "lifeline-actions");
                                    t.setDaemon(true);
                                    return t;
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
