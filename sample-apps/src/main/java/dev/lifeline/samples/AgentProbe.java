package dev.lifeline.samples;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.reflect.Method;

/**
 * Reads Lifeline's own gauges (deadlines queued, exec channels watched, action threads) from inside a sample app, by
 * reflection: the agent jar sits on the system class path when it is loaded, and is simply absent otherwise (-1).
 */
final class AgentProbe {
    private AgentProbe() {
    }

    static int gauge(String className, String method) {
        try {
            Class<?> c = Class.forName(className, true, ClassLoader.getSystemClassLoader());
            Method m = c.getMethod(method);
            return ((Number) m.invoke(null)).intValue();
        } catch (Throwable t) {
            return -1;
        }
    }

    static int pendingDeadlines() {
        return gauge("dev.lifeline.enforce.DeadlineScheduler", "pending");
    }

    static int watchedExecChannels() {
        return gauge("dev.lifeline.enforce.ExecDeadline", "watched");
    }

    static int actionThreads() {
        return gauge("dev.lifeline.enforce.Actions", "threads");
    }

    /**
     * Waits (up to 10 s) until Lifeline has no thread left to check for {@code threadsWoken}: it looks a few seconds
     * after a session ends, and an app that reports right away would print the counter before it moved.
     */
    static void awaitThreadsChecked() {
        long end = System.nanoTime() + 10_000_000_000L;
        while (gauge("dev.lifeline.enforce.BlockedThreads", "watching") > 0 && System.nanoTime() < end) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Lifeline's counters as {@code lifeline_<name>=<value>} fields (empty without the agent). */
    static String counters() {
        try {
            Class<?> c = Class.forName("dev.lifeline.report.Counters", true, ClassLoader.getSystemClassLoader());
            java.util.Map<?, ?> m = (java.util.Map<?, ?>) c.getMethod("snapshot").invoke(null);
            StringBuilder b = new StringBuilder();
            for (java.util.Map.Entry<?, ?> e : m.entrySet()) {
                b.append(" lifeline_").append(e.getKey()).append('=').append(e.getValue());
            }
            return b.toString();
        } catch (Throwable t) {
            return "";
        }
    }

    static long heapAfterGc() {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return mem.getHeapMemoryUsage().getUsed();
    }

    static int liveThreads() {
        return Thread.activeCount();
    }

    /** Adds the gauges to a RESULT line, with a suffix ("before", "after"). */
    static void report(Result r, String suffix) {
        awaitThreadsChecked(); // Lifeline's look at woken threads is a queued task of its own, not a deadline
        r.with("threads_" + suffix, liveThreads())
                .with("heap_" + suffix, heapAfterGc())
                .with("deadlines_" + suffix, pendingDeadlines())
                .with("watched_" + suffix, watchedExecChannels());
    }
}
