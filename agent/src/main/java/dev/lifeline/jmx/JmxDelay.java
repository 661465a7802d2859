package dev.lifeline.jmx;

import java.util.Properties;

/**
 * The wait before the JMX view is registered ({@link Jmx}), in a class of its own: the {@code lifeline-jmx} thread
 * starts at premain and waits here, so {@link Jmx} (and the JMX types its verification resolves) loads only when the
 * wait is over, not during the application's start-up.
 */
public final class JmxDelay {
    static final long DELAY_MILLIS = 5000;
    static final long APP_SERVER_DELAY_MILLIS = 60000;

    /**
     * Set to end the delay at once: an attach CLI is waiting to read the MBean. A monitor, not a CountDownLatch: that
     * would load AbstractQueuedSynchronizer and its nodes in premain.
     */
    private static final Object NOW = new Object();
    /** Guarded by NOW. */
    private static boolean now;

    private JmxDelay() {
    }

    /** Waits the registration delay (or until {@link #endNow}). @return false when interrupted */
    public static boolean await() {
        try {
            long delay = of(System.getProperties());
            if (delay > 0) {
                awaitNow(delay);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Ends the delay now (a dynamic attach: the platform server exists and attach waits to read the state). */
    public static void endNow() {
        synchronized (NOW) {
            now = true;
            NOW.notifyAll();
        }
    }

    private static void awaitNow(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1000000L;
        synchronized (NOW) {
            while (!now) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                NOW.wait(Math.max(1, left / 1000000L));
            }
        }
    }

    /** The delay a JVM with these system properties waits before it registers (the CLI reads a target's). */
    public static long of(Properties props) {
        for (Object name : props.keySet()) { // not stringPropertyNames(): its entry-set classes are not in CDS
            if (name instanceof String && ((String) name).startsWith("com.sun.management.jmxremote")) {
                return 0;
            }
        }
        if (props.getProperty("java.util.logging.manager") != null
                || props.getProperty("javax.management.builder.initial") != null) {
            return APP_SERVER_DELAY_MILLIS;
        }
        return DELAY_MILLIS;
    }
}
