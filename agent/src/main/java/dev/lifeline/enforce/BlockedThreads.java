package dev.lifeline.enforce;

import dev.lifeline.report.AgentThreads;
import dev.lifeline.report.Counters;
import dev.lifeline.report.Counters.Counter;
import dev.lifeline.report.Faults;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code threadsWoken} counter: app threads that were blocked inside an SSH library when a session was declared
 * dead or Lifeline ended a channel, session or connect, and that were no longer blocked there a few seconds later.
 *
 * <p>The libraries do not say which thread waits on which session, so this looks at stacks: at the event, every
 * thread waiting or blocked with a library frame on its stack (the library's own threads and Lifeline's aside); a few
 * seconds on, those whose stack changed or that ended count as woken. A thread blocked on another session stays
 * blocked and is not counted. Only on events, never per packet: a stack walk of all threads costs milliseconds.
 */
public final class BlockedThreads {
    static final long CHECK_AFTER_MILLIS = 3000;
    /** Events closer than this share one look at the threads, so one thread is counted once. */
    static final long COALESCE_NANOS = 200_000_000L;
    private static final String[] LIBRARY_PREFIXES = {"com.jcraft.jsch.", "org.apache.sshd.", "net.schmizz.", "com.hierynomus.sshj.",
            "com.trilead.ssh2.", "ch.ethz.ssh2."};
    /**
     * The library's own threads, named per version or not at all, told by their outermost frame below
     * {@code java.lang.Thread}'s: sshj's are Thread subclasses (reader, keepalive), Trilead's and Ganymed's receive
     * thread runs a Runnable of the transport's.
     */
    private static final String[] OWN_THREAD_PREFIXES = {"net.schmizz.", "com.hierynomus.sshj.", "com.trilead.ssh2.", "ch.ethz.ssh2."};

    private static final Map<Long, Seen> WATCHED = new HashMap<Long, Seen>();
    private static long lastLookNanos;
    private static boolean checkScheduled;
    /** {@link #prepare} ran (or is running): once per JVM. */
    private static final AtomicBoolean PREPARED = new AtomicBoolean();

    private static final class Seen {
        final StackTraceElement[] stack;
        final long atNanos;

        Seen(StackTraceElement[] stack, long atNanos) {
            this.stack = stack;
            this.atNanos = atNanos;
        }
    }

    private BlockedThreads() {
    }

    /** Threads still to be checked (a gauge for tests and the sample apps). */
    public static int watching() {
        synchronized (WATCHED) {
            return WATCHED.size();
        }
    }

    /**
     * A session may soon be declared dead (a keepalive probe went a whole interval unanswered): the first look at the
     * threads, which comes before the session is closed and so delays every waiter's wake-up, is done now, once per
     * JVM, on a short-lived thread of its own (not {@link Actions}: its queue may be full of stuck sends). Cold, that
     * look loads and links {@code java.management}'s thread classes and this class, which on a loaded machine took
     * tens of milliseconds between the verdict and the close (row 9); warm, what is left is the safepoint and the
     * stacks. Nothing is watched or counted here.
     */
    public static void prepare() {
        if (PREPARED.get() || !PREPARED.compareAndSet(false, true)) {
            return;
        }
        try {
            AgentThreads.daemon(new Runnable() {
                @Override
                public void run() {
                    try {
                        for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
                            if (t != null) {
                                isAppThreadBlockedInLibrary(t);
                            }
                        }
                    } catch (Throwable ignored) {
                        // no java.management in this runtime image: sessionEnding finds out the same way
                    }
                }
            }, "lifeline-prepare").start();
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** Called when a session or channel is about to end for a reason Lifeline caused or detected. */
    public static void sessionEnding() {
        ThreadInfo[] all;
        try {
            all = ManagementFactory.getThreadMXBean().dumpAllThreads(false, false);
        } catch (Throwable t) {
            return; // no java.management in this runtime image: the counter stays where it is
        }
        synchronized (WATCHED) {
            long now = DeadlineScheduler.nanoTime();
            if (lastLookNanos != 0 && now - lastLookNanos < COALESCE_NANOS) {
                return;
            }
            lastLookNanos = now;
            long self = Thread.currentThread().getId();
            for (ThreadInfo t : all) {
                if (t != null && t.getThreadId() != self && !WATCHED.containsKey(t.getThreadId())
                        && isAppThreadBlockedInLibrary(t)) {
                    WATCHED.put(t.getThreadId(), new Seen(t.getStackTrace(), now));
                }
            }
            if (WATCHED.isEmpty() || checkScheduled) {
                return;
            }
            checkScheduled = true;
        }
        scheduleCheck(CHECK_AFTER_MILLIS);
    }

    private static void scheduleCheck(long delayMillis) {
        DeadlineScheduler.schedule("threads-woken", delayMillis, new Runnable() {
            @Override
            public void run() {
                check(false);
            }
        });
    }

    /** Counts the threads watched for long enough (all of them when {@code all}); returns how many woke. */
    static int check(boolean all) {
        int woken = 0;
        long next = -1;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        synchronized (WATCHED) {
            long now = DeadlineScheduler.nanoTime();
            for (Iterator<Map.Entry<Long, Seen>> it = WATCHED.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Long, Seen> e = it.next();
                long waited = (now - e.getValue().atNanos) / 1000000L;
                if (!all && waited < CHECK_AFTER_MILLIS) {
                    long due = CHECK_AFTER_MILLIS - waited;
                    next = next < 0 ? due : Math.min(next, due);
                    continue;
                }
                ThreadInfo t = threads.getThreadInfo(e.getKey(), Integer.MAX_VALUE);
                if (t == null || !Arrays.equals(e.getValue().stack, t.getStackTrace())) {
                    woken++;
                }
                it.remove();
            }
            checkScheduled = next >= 0;
        }
        Counters.add(Counter.THREADS_WOKEN, woken);
        if (next >= 0) {
            scheduleCheck(next);
        }
        return woken;
    }

    /** An application thread (not the library's or ours) waiting in, or blocked on a monitor of, an SSH library. */
    public static boolean isAppThreadBlockedInLibrary(ThreadInfo t) {
        Thread.State s = t.getThreadState();
        StackTraceElement[] stack = t.getStackTrace();
        if (s == Thread.State.RUNNABLE ? !inSocketIo(stack)
                : s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING && s != Thread.State.BLOCKED) {
            return false;
        }
        if (isLibraryOrOwnThread(t.getThreadName())
                || startsWithAny(outermostBelowThread(stack), OWN_THREAD_PREFIXES)) {
            return false;
        }
        // JSch's channel streams are java.io pipes: no JSch frame on the stack, but the monitor is JSch's
        String lock = t.getLockName();
        if (lock != null && isLibrary(lock)) {
            return true;
        }
        for (StackTraceElement f : stack) {
            if (isLibrary(f.getClassName())) {
                return true;
            }
        }
        return false;
    }

    /**
     * A thread of JSch's (its reader, "Connect thread host session"), of MINA's (I/O and timer threads) or of
     * Lifeline's, by name alone: told without its stack. sshj's own threads are told by their outermost frame.
     */
    public static boolean isLibraryOrOwnThread(String name) {
        return name.startsWith("Connect thread") || name.startsWith("sshd-") || name.startsWith("lifeline-");
    }

    private static String outermostBelowThread(StackTraceElement[] stack) {
        for (int i = stack.length - 1; i >= 0; i--) {
            String c = stack[i].getClassName();
            if (!c.equals("java.lang.Thread")) {
                return c;
            }
        }
        return "";
    }

    private static boolean isLibrary(String className) {
        return startsWithAny(className, LIBRARY_PREFIXES);
    }

    private static boolean startsWithAny(String className, String[] prefixes) {
        for (String p : prefixes) {
            if (className.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** A thread in a blocking socket read or write shows as RUNNABLE (JSch's connect reads on the caller's thread). */
    private static boolean inSocketIo(StackTraceElement[] stack) {
        for (int i = 0; i < stack.length && i < 8; i++) {
            String c = stack[i].getClassName();
            if (c.endsWith("SocketDispatcher") || c.endsWith("NioSocketImpl") || c.endsWith("SocketInputStream")
                    || c.endsWith("SocketOutputStream")) {
                return true;
            }
        }
        return false;
    }
}
