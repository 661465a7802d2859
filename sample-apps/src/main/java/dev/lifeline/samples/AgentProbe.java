package dev.lifeline.samples;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.reflect.Method;

/**
 * Reads Lifeline's own gauges and counters from inside a sample app through its JMX view, as an operator would: the
 * MBean {@value #AGENT} on the platform MBean server ({@code PendingDeadlines}, {@code WatchedExecChannels}, and the
 * counters, its {@code long} attributes). Without {@code -javaagent} (or with {@code jmx.enabled=false}) there is
 * none: gauges read -1, counters nothing.
 *
 * <p>The agent registers the MBean about 5 s after start (at once with {@code com.sun.management.jmxremote*}), so a
 * read waits for it, up to {@link #REGISTRATION_WAIT_MILLIS}, when the agent is on the command line.
 */
final class AgentProbe {
    static final String AGENT = "lifeline:type=Agent";
    /** The agent's registration delay (5 s) and some slack for a loaded machine. */
    static final long REGISTRATION_WAIT_MILLIS = 20_000;

    private static volatile ObjectName registered;

    private AgentProbe() {
    }

    /** The agent's MBean once registered; null when the agent is absent or registers none in time. */
    private static ObjectName agent() {
        ObjectName name = registered;
        if (name != null) {
            return name;
        }
        try {
            if (!agentOnCommandLine()) {
                return null;
            }
            name = new ObjectName(AGENT);
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            long end = System.nanoTime() + REGISTRATION_WAIT_MILLIS * 1_000_000L;
            while (!server.isRegistered(name)) {
                if (System.nanoTime() > end) {
                    return null;
                }
                Thread.sleep(50);
            }
            registered = name;
            return name;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    private static boolean agentOnCommandLine() {
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-javaagent:") && a.contains("lifeline")) {
                return true;
            }
        }
        return false;
    }

    /** An int attribute of the agent's MBean, or -1 without one. */
    static int gauge(String attribute) {
        ObjectName name = agent();
        if (name == null) {
            return -1;
        }
        try {
            return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute)).intValue();
        } catch (Exception e) {
            return -1;
        }
    }

    /** A String attribute of the agent's MBean (e.g. {@code Sessions}), or null without one. */
    static String text(String attribute) {
        ObjectName name = agent();
        if (name == null) {
            return null;
        }
        try {
            return String.valueOf(ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute));
        } catch (Exception e) {
            return null;
        }
    }

    static int pendingDeadlines() {
        return gauge("PendingDeadlines");
    }

    static int watchedExecChannels() {
        return gauge("WatchedExecChannels");
    }

    /**
     * Waits (up to 10 s) until Lifeline has no thread left to check for {@code threadsWoken}: it looks a few seconds
     * after a session ends, and an app that reports right away would print the counter before it moved. The JMX view
     * has no attribute for this internal queue, so it is the one gauge still read by reflection (0 without the agent).
     */
    static void awaitThreadsChecked() {
        long end = System.nanoTime() + 10_000_000_000L;
        while (threadsToCheck() > 0 && System.nanoTime() < end) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static int threadsToCheck() {
        try {
            Class<?> c = Class.forName("dev.lifeline.enforce.BlockedThreads", true, ClassLoader.getSystemClassLoader());
            Method m = c.getMethod("watching");
            return ((Number) m.invoke(null)).intValue();
        } catch (Throwable t) {
            return -1;
        }
    }

    /** Lifeline's counters as {@code lifeline_<name>=<value>} fields, in the MBean's order (empty without the agent). */
    static String counters() {
        ObjectName name = agent();
        if (name == null) {
            return "";
        }
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            StringBuilder b = new StringBuilder();
            for (MBeanAttributeInfo a : server.getMBeanInfo(name).getAttributes()) {
                if ("long".equals(a.getType())) { // the counters; gauges are int
                    b.append(" lifeline_").append(a.getName()).append('=').append(server.getAttribute(name, a.getName()));
                }
            }
            return b.toString();
        } catch (Exception e) {
            return "";
        }
    }

    /**
     * A channel's deadline is cancelled by the hook that sees the channel end, on the library's own thread, which can
     * come a moment after the app's last call returned (seen once in CI: 2 pending right after 10000 JSch cycles, 0 in
     * every other run). A leak stays: up to {@code millis} for the queue to empty, then the figure as it is.
     */
    static void awaitNoPendingDeadlines(long millis) {
        long end = System.nanoTime() + millis * 1_000_000L;
        try {
            while (pendingDeadlines() > 0 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
        if ("after".equals(suffix)) {
            awaitNoPendingDeadlines(5000);
        }
        r.with("threads_" + suffix, liveThreads())
                .with("heap_" + suffix, heapAfterGc())
                .with("deadlines_" + suffix, pendingDeadlines())
                .with("watched_" + suffix, watchedExecChannels());
    }
}
