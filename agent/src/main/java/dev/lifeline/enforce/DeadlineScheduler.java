package dev.lifeline.enforce;

import dev.lifeline.report.AgentThreads;
import dev.lifeline.report.Counters;
import dev.lifeline.report.Log;

import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One daemon thread for every deadline in the JVM (exec, close, connect). Created on first use only.
 *
 * <p>Most deadlines are cancelled long before they are due (every {@code disconnect()} arms {@code close.timeout}),
 * so arming and cancelling must cost next to nothing: a deadline goes into a sorted set under one monitor, and the
 * thread waits on that monitor until the earliest deadline; it is woken only when a new deadline is earlier than every
 * other and earlier than the thread's own wake-up. Cancelling removes the entry. So a channel that ends normally leaves nothing behind, and thousands of
 * short-lived channels do not each wake the deadline thread.
 *
 * <p>Plain monitor, {@code TreeSet} and {@code Thread}, not a {@code ScheduledThreadPoolExecutor} over a
 * {@code ConcurrentSkipListSet}: their first use (inside the first {@code connect()}, interpreted) set up VarHandles
 * and some 40 JDK classes, about 10 ms.
 *
 * <p>Deadlines are measured on {@link #nanoTime()}: {@link System#nanoTime()}, or the clock a test set with
 * {@link #useClock}, so a test advances time instead of sleeping through it. What measures time against a deadline
 * ({@link ExecDeadline}'s idle clock, the watchdog's "blocked for") reads the same clock.
 */
public final class DeadlineScheduler {
    /** Guards everything below. */
    private static final Object LOCK = new Object();
    private static final TreeSet<Task> PENDING = new TreeSet<Task>();
    private static long sequence;
    /** Entries of PENDING that are periodic checks (not counted by {@link #pending()}). */
    private static int periodic;
    private static Thread thread;
    /**
     * While the thread waits: whether it waits with no deadline, else when its wait ends. A new deadline wakes it only
     * when it is earlier than that: the close deadline every {@code disconnect()} arms (and cancels at once) is later
     * than the one the thread already waits for after the first, so a loop of execs does not wake it per exec.
     */
    private static boolean waiting;
    private static boolean waitingForever;
    private static long wakeAtNanos;
    /**
     * Null (always, outside tests): {@link System#nanoTime()}. A test's clock otherwise. Volatile because app threads
     * read it without LOCK ({@link ExecDeadline#output}); on the production path that is one load and a null test.
     */
    private static volatile LongSupplier clock;

    private DeadlineScheduler() {
    }

    /** A pending deadline; {@link #cancel()} is cheap and idempotent. */
    public interface Deadline {
        void cancel();
    }

    /** A periodic check that may move its own next run (a keepalive due one interval after the peer's last packet). */
    public interface Repeating extends Deadline {
        /** Called from the check's own run: the next run comes {@code millis} after this one instead of one period. */
        void nextIn(long millis);
    }

    private static class Task implements Deadline, Comparable<Task> {
        /** Guarded by LOCK; changed only while out of PENDING (a periodic check queued again), which sorts by both. */
        long dueNanos;
        long seq;
        final String what;
        final Runnable action;

        /** Caller holds LOCK. */
        Task(long dueNanos, String what, Runnable action) {
            this.dueNanos = dueNanos;
            this.seq = ++sequence;
            this.what = what;
            this.action = action;
        }

        @Override
        public void cancel() {
            synchronized (LOCK) {
                PENDING.remove(this);
            }
        }

        @Override
        public int compareTo(Task o) {
            if (dueNanos != o.dueNanos) {
                return dueNanos - o.dueNanos < 0 ? -1 : 1;
            }
            return seq < o.seq ? -1 : (seq == o.seq ? 0 : 1);
        }
    }

    /**
     * A periodic check: itself the entry in PENDING, queued again after each run (with its new due time) unless
     * {@link #cancel} came first. One object per check, not one per run: a keepalive per idle session (row 7).
     */
    private static final class Periodic extends Task implements Repeating {
        final long periodNanos;
        /** Guarded by LOCK. */
        boolean cancelled;
        /** Guarded by LOCK: the delay {@link #nextIn} asked for during the current run, or -1 for one period. */
        long nextNanos = -1;
        /** Guarded by LOCK: in PENDING now (false while it runs). */
        boolean queued;

        /** Caller holds LOCK. */
        Periodic(String what, Runnable action, long periodNanos) {
            super(0, what, action);
            this.periodNanos = periodNanos;
        }

        @Override
        public void cancel() {
            synchronized (LOCK) {
                cancelled = true;
                if (queued && PENDING.remove(this)) {
                    periodic--;
                }
                queued = false;
            }
        }

        @Override
        public void nextIn(long millis) {
            synchronized (LOCK) {
                nextNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, millis));
            }
        }

        /** Caller holds LOCK; not in PENDING now. */
        void queue(long dueNanos) {
            if (!cancelled) {
                this.dueNanos = dueNanos;
                this.seq = ++sequence;
                queued = true;
                add(this);
                periodic++;
            }
        }
    }

    /** Now, in nanoseconds, on the clock deadlines are measured on: {@link System#nanoTime()} but in tests. */
    public static long nanoTime() {
        LongSupplier c = clock;
        return c == null ? System.nanoTime() : c.getAsLong();
    }

    /**
     * For tests: measure deadlines on {@code testClock} (nanoseconds, like {@link System#nanoTime()}), or on
     * {@code System.nanoTime()} again with null. A clock that moves by itself only when told calls
     * {@link #clockMoved()} when it does. Deadlines already queued keep their due time, read on the new clock.
     */
    public static void useClock(LongSupplier testClock) {
        synchronized (LOCK) {
            clock = testClock;
            if (waiting) { // its wait was computed on the other clock
                waiting = false;
                LOCK.notify();
            }
        }
    }

    /**
     * For tests whose clock moves only when told: it moved. As when a timed wait ends, the deadline thread wakes if
     * the time it waits for has come on that clock, and not otherwise (so a deadline the thread was not told of still
     * shows as missed).
     */
    public static void clockMoved() {
        synchronized (LOCK) {
            if (waiting && !waitingForever && nanoTime() - wakeAtNanos >= 0) {
                waiting = false;
                LOCK.notify();
            }
        }
    }

    public static Deadline schedule(final String what, long delayMillis, final Runnable action) {
        long due = nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, delayMillis));
        synchronized (LOCK) {
            Task t = new Task(due, what, action);
            add(t);
            return t;
        }
    }

    /** A periodic background check on the same single thread (not the configuration file: that has its own thread). */
    public static Repeating every(final String what, long periodMillis, final Runnable action) {
        long period = TimeUnit.MILLISECONDS.toNanos(Math.max(1, periodMillis));
        synchronized (LOCK) {
            Periodic p = new Periodic(what, action, period);
            p.queue(nanoTime() + period);
            return p;
        }
    }

    /** Deadlines still queued (periodic checks excluded): for leak tests and the JMX view. */
    public static int pending() {
        synchronized (LOCK) {
            return PENDING.size() - periodic;
        }
    }

    /** Periodic checks queued now (sshj keepalives, gauges): for leak tests. */
    public static int periodic() {
        synchronized (LOCK) {
            return periodic;
        }
    }

    /** Caller holds LOCK. Wakes the thread only when {@code t} is now the earliest deadline. */
    private static void add(Task t) {
        PENDING.add(t);
        if (thread == null) {
            Thread th = AgentThreads.daemon(new Runnable() { // started inside an app call: keeps nothing of it
                @Override
                public void run() {
                    loop();
                }
            }, "lifeline-deadlines");
            th.start();
            thread = th;
        } else if (waiting && (waitingForever || t.dueNanos - wakeAtNanos < 0)) {
            // (not waiting: the thread looks at PENDING before it waits again, under LOCK)
            waiting = false;
            LOCK.notify();
        }
    }

    /**
     * The deadline thread: runs what is due, one at a time, outside the monitor. No task is kept in a local variable
     * while the thread waits: a frame's stale local stays reachable, and a task reaches its session and so the
     * library's class loader, which kept an undeployed webapp's loader ({@code TopologyTest#jschInATomcatWebapp}).
     */
    private static void loop() {
        while (true) {
            runOne(nextDue());
        }
    }

    /** Waits for the first task to be due and takes it off the queue. */
    private static Task nextDue() {
        synchronized (LOCK) {
            while (true) {
                if (PENDING.isEmpty()) {
                    waiting = true;
                    waitingForever = true;
                    waitQuietly(0);
                    waiting = false;
                    continue;
                }
                long dueNanos = PENDING.first().dueNanos;
                long left = dueNanos - nanoTime();
                if (left <= 0) {
                    Task due = PENDING.pollFirst();
                    if (due instanceof Periodic) {
                        periodic--;
                        ((Periodic) due).queued = false;
                    }
                    return due;
                }
                waiting = true;
                waitingForever = false;
                wakeAtNanos = dueNanos;
                waitQuietly(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left) + 1));
                waiting = false;
            }
        }
    }

    private static void runOne(Task due) {
        try {
            due.action.run();
        } catch (Throwable t) {
            Counters.increment(Counters.Counter.INTERNAL_ERRORS);
            Log.error("deadline.failed", "deadline", due.what, "error", t);
        }
        if (due instanceof Periodic) {
            Periodic p = (Periodic) due;
            synchronized (LOCK) {
                long delay = p.nextNanos >= 0 ? p.nextNanos : p.periodNanos;
                p.nextNanos = -1;
                p.queue(nanoTime() + delay); // fixed delay, after the run, unless the run chose another
            }
        }
    }

    /** Caller holds LOCK. The deadline thread is never meant to end: an interrupt is ignored. */
    private static void waitQuietly(long millis) {
        try {
            LOCK.wait(millis);
        } catch (InterruptedException ignored) {
            // nothing ends this thread
        }
    }
}
