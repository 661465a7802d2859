package dev.lifeline.sessions;

import dev.lifeline.config.Durations;
import dev.lifeline.enforce.BlockedThreads;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.report.Counters;
import dev.lifeline.report.Log;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code watchdog.threshold}: an application thread blocked in a JSch or MINA (or sshj) call for longer than that
 * without progress is logged once ({@code watchdog.thread-stuck}) and counted ({@code threadsStuck}). Diagnosis only:
 * it changes nothing.
 *
 * <p>No thread of its own: one deadline on the {@code lifeline-deadlines} thread, re-armed only while sessions are
 * open (every threshold/4, 1 s to 30 s; every 10 s with the watchdog off, then only to drop sessions that ended
 * without a close hook seeing it), and further apart when a look costs more than 1 % of the time between looks.
 *
 * <p>"Blocked for" is the time since the thread last made progress, exact to one look. Progress is a new stack, or
 * the thread leaving its wait and entering it again (its wait or block count moved: a reader that gets a line every
 * 200 ms) while the session it waits on received a packet since the last look; a wake-up with no packet (JSch's pipe
 * polls every second, a spurious wake-up) is not progress. A thread whose session is not known makes progress only by
 * a new stack. So a thread waiting on a silent channel of a session whose other channels (or keepalive replies) carry
 * packets counts as progressing each time it wakes: the watchdog errs towards silence there.
 *
 * <p>Cost: each look reads every thread's state and wait counts without stacks (no safepoint: HotSpot takes stacks
 * only for a depth above 0) and walks the stacks of only the threads whose wait changed since the last look (new,
 * woken, running in socket I/O). A thread blocked for good costs a map lookup per look, not a stack walk.
 */
final class Watchdog {
    static final long IDLE_PERIOD_MILLIS = 10000;
    static final long MIN_PERIOD_MILLIS = 1000;
    /**
     * A look may cost at most 1/BUDGET of the time to the next. Cost: the deadline thread's CPU time for the tick plus
     * the wall time of its stack walks (the pause the app sees); not the tick's wall time, which a loaded machine
     * stretches with scheduling delays that cost the app nothing.
     */
    static final long BUDGET = 100;
    static final long MAX_PERIOD_MILLIS = 60000;
    private static volatile long thresholdMillis;
    /** What the last tick cost (nanoseconds, as BUDGET says): the next one waits at least BUDGET times that. */
    private static volatile long lastTickNanos;
    /** Wall time of the last look's stack walks; written under SEEN's lock. */
    private static volatile long lastWalkNanos;
    /** The queued tick, or null; set under the class's lock. */
    private static volatile DeadlineScheduler.Deadline pending;
    /** Thread id to what was seen; guarded by itself. */
    private static final Map<Long, Observed> SEEN = new HashMap<Long, Observed>();
    private static final Runnable TICK = new Runnable() {
        @Override
        public void run() {
            tick();
        }
    };

    private Watchdog() {
    }

    /** One thread's current wait, as far as seen: since when it made no progress, and its counts at the last look. */
    static final class Observed {
        final ThreadInfo info;
        /** Since when it made no progress, on the scheduler's clock (what the ticks are scheduled on). */
        final long sinceNanos;
        /** The last look, on {@link System#nanoTime()}: the clock packets are stamped with, to tell one came since. */
        long lastLookNanos;
        Thread.State state;
        long waited;
        long blocked;
        int lock;
        boolean logged;

        Observed(ThreadInfo info, long sinceNanos, long lookNanos) {
            this.info = info;
            this.sinceNanos = sinceNanos;
            saw(info, lookNanos);
        }

        void saw(ThreadInfo t, long lookNanos) {
            lastLookNanos = lookNanos;
            state = t.getThreadState();
            waited = t.getWaitedCount();
            blocked = t.getBlockedCount();
            lock = t.getLockInfo() == null ? 0 : t.getLockInfo().getIdentityHashCode();
        }

        /** Still in the wait it was in at the last look: same state and monitor, counts unmoved, so the same stack. */
        boolean sameWait(ThreadInfo t) {
            Thread.State s = t.getThreadState();
            return s != Thread.State.RUNNABLE && s == state && t.getWaitedCount() == waited
                    && t.getBlockedCount() == blocked
                    && (t.getLockInfo() == null ? 0 : t.getLockInfo().getIdentityHashCode()) == lock;
        }
    }

    /** A thread blocked in a library call, at one look. */
    static final class Blocked {
        final ThreadInfo info;
        final long blockedMillis;

        Blocked(ThreadInfo info, long blockedMillis) {
            this.info = info;
            this.blockedMillis = blockedMillis;
        }
    }

    /** A new threshold takes effect at once: the queued tick (perhaps the 10 s one of "off") is replaced. */
    static void threshold(long millis) {
        synchronized (Watchdog.class) {
            if (thresholdMillis == Math.max(0, millis)) {
                return;
            }
            thresholdMillis = Math.max(0, millis);
            DeadlineScheduler.Deadline p = pending;
            if (p != null) {
                p.cancel();
                pending = null;
            }
        }
        if (!SshSessions.OPEN.isEmpty()) {
            sessionsExist();
        }
    }

    static long threshold() {
        return thresholdMillis;
    }

    static long periodMillis() {
        long t = thresholdMillis;
        long base = t <= 0 ? IDLE_PERIOD_MILLIS : Math.max(MIN_PERIOD_MILLIS, Math.min(30000, t / 4));
        return Math.max(base, Math.min(MAX_PERIOD_MILLIS, lastTickNanos / 1000000L * BUDGET));
    }

    /** A session was registered: make sure one tick is queued. */
    static void sessionsExist() {
        if (pending != null) {
            return; // the common case on the app's connect: one volatile read
        }
        synchronized (Watchdog.class) {
            if (pending == null) {
                pending = DeadlineScheduler.schedule("sessions.watch", periodMillis(), TICK);
            }
        }
    }

    /**
     * The last session closed: the queued tick goes (a session opened meanwhile queues one again), and with it what
     * the ticks saw: a thread's {@code ThreadInfo} holds its stack's classes, which kept an undeployed webapp's class
     * loader for as long as no other session came ({@code TopologyTest#jschInATomcatWebapp}).
     */
    static void noSessions() {
        boolean stopped = false;
        synchronized (Watchdog.class) {
            DeadlineScheduler.Deadline p = pending;
            if (p != null && SshSessions.OPEN.isEmpty()) {
                p.cancel();
                pending = null;
                stopped = true;
            }
        }
        if (stopped) {
            synchronized (SEEN) {
                if (SshSessions.OPEN.isEmpty()) {
                    SEEN.clear();
                }
            }
        }
        if (!SshSessions.OPEN.isEmpty()) {
            sessionsExist();
        }
    }

    static void tick() {
        synchronized (Watchdog.class) {
            pending = null;
        }
        long started = cpuNanos();
        lastWalkNanos = 0;
        try {
            SshSessions.sweep();
            if (SshSessions.OPEN.isEmpty()) {
                synchronized (SEEN) {
                    SEEN.clear();
                }
                return; // the next opened session arms it again
            }
            if (thresholdMillis > 0) {
                observe(true);
            }
        } finally {
            lastTickNanos = Math.max(0, cpuNanos() - started) + lastWalkNanos;
            if (!SshSessions.OPEN.isEmpty()) {
                sessionsExist(); // also after a failure (counted by the scheduler): the watch goes on
            }
        }
    }

    static int blockedNow() {
        return observe(false).size();
    }

    /**
     * Looks at every thread: those blocked in a library call, each with how long since its last progress (as far as
     * seen). States and counts of all threads first (no stacks), then stacks for the threads whose wait changed.
     */
    static List<Blocked> observe(boolean logStuck) {
        ThreadMXBean mx;
        ThreadInfo[] light;
        try {
            mx = ManagementFactory.getThreadMXBean();
            light = mx.getThreadInfo(mx.getAllThreadIds(), 0);
        } catch (Throwable t) {
            return new ArrayList<Blocked>(); // no java.management in this runtime image
        }
        long self = Thread.currentThread().getId();
        long limit = thresholdMillis;
        List<Blocked> blocked = new ArrayList<Blocked>();
        List<Blocked> stuck = new ArrayList<Blocked>();
        synchronized (SEEN) {
            long now = DeadlineScheduler.nanoTime(); // the clock its ticks are scheduled on
            long look = System.nanoTime(); // the clock packets are stamped with
            Set<Long> present = new HashSet<Long>();
            List<Long> walk = new ArrayList<Long>();
            for (ThreadInfo t : light) {
                if (t == null || t.getThreadId() == self || BlockedThreads.isLibraryOrOwnThread(t.getThreadName())) {
                    continue;
                }
                Thread.State s = t.getThreadState();
                if (s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING && s != Thread.State.BLOCKED
                        && s != Thread.State.RUNNABLE) {
                    continue;
                }
                Observed o = SEEN.get(t.getThreadId());
                if (o != null && o.sameWait(t)) {
                    o.lastLookNanos = look;
                    present.add(t.getThreadId());
                } else {
                    walk.add(t.getThreadId());
                }
            }
            List<Observed> woke = new ArrayList<Observed>();
            List<ThreadInfo> wokeNow = new ArrayList<ThreadInfo>();
            long walkStart = System.nanoTime();
            ThreadInfo[] walked = walk.isEmpty() ? new ThreadInfo[0] : stacks(mx, walk);
            lastWalkNanos = System.nanoTime() - walkStart;
            for (ThreadInfo t : walked) {
                if (t == null || !BlockedThreads.isAppThreadBlockedInLibrary(t)) {
                    continue;
                }
                present.add(t.getThreadId());
                Observed o = SEEN.get(t.getThreadId());
                if (o == null || !Arrays.equals(o.info.getStackTrace(), t.getStackTrace())) {
                    SEEN.put(t.getThreadId(), new Observed(t, now, look)); // new, or moved on: its wait starts now
                } else {
                    woke.add(o); // left its wait and is back in the same place (or running in socket I/O)
                    wokeNow.add(t);
                }
            }
            if (!woke.isEmpty()) {
                SessionsTable.Attribution who = SessionsTable.attribution(SshSessions.entries());
                for (int i = 0; i < woke.size(); i++) {
                    Observed o = woke.get(i);
                    ThreadInfo t = wokeNow.get(i);
                    SshSessions.Entry e = who.sessionOf(t);
                    if (e != null && e.lastPacket() - o.lastLookNanos > 0) {
                        SEEN.put(t.getThreadId(), new Observed(t, now, look)); // data came and it went back for more
                    } else {
                        o.saw(t, look);
                    }
                }
            }
            SEEN.keySet().retainAll(present);
            for (Observed o : SEEN.values()) {
                Blocked b = new Blocked(o.info, (now - o.sinceNanos) / 1000000L);
                blocked.add(b);
                if (logStuck && limit > 0 && !o.logged && b.blockedMillis >= limit) {
                    o.logged = true;
                    stuck.add(b);
                }
            }
        }
        if (!stuck.isEmpty()) {
            SessionsTable.Attribution who = SessionsTable.attribution(SshSessions.entries());
            for (Blocked b : stuck) {
                Counters.increment(Counters.Counter.THREADS_STUCK);
                SshSessions.Entry e = who.sessionOf(b.info);
                Log.warn("watchdog.thread-stuck", "thread", b.info.getThreadName(), "state", b.info.getThreadState(),
                        "blocked_ms", b.blockedMillis, "threshold", Durations.format(limit),
                        "lib", e == null ? "n/a" : e.lib, "session", e == null ? who.unknown(b.info) : e.peer(),
                        "waiting_on", b.info.getLockName() == null ? "" : b.info.getLockName(),
                        "stack", SessionsTable.summary(b.info.getStackTrace(), 8), "action", "none (diagnosis only)");
            }
        }
        return blocked;
    }

    /** This thread's CPU time (wall time where the JVM does not measure it). */
    private static long cpuNanos() {
        try {
            long t = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            return t >= 0 ? t : System.nanoTime();
        } catch (Throwable noManagement) {
            return System.nanoTime();
        }
    }

    /** Full stacks of these threads only (one safepoint for the few whose wait changed, not for every thread). */
    private static ThreadInfo[] stacks(ThreadMXBean mx, List<Long> ids) {
        long[] a = new long[ids.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = ids.get(i);
        }
        return mx.getThreadInfo(a, Integer.MAX_VALUE);
    }
}
