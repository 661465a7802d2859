package dev.lifeline.sessions;

import dev.lifeline.config.Durations;
import dev.lifeline.enforce.BlockedThreads;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.report.Counters;
import dev.lifeline.report.Log;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code watchdog.threshold}: an application thread blocked in a JSch or MINA (or sshj) call for longer than that is
 * logged once ({@code watchdog.thread-stuck}) and counted ({@code threadsStuck}). Diagnosis only: it changes nothing.
 *
 * <p>No thread of its own: one deadline on the {@code lifeline-deadlines} thread, re-armed only while sessions are
 * open (every threshold/4, 250 ms to 30 s; every 10 s with the watchdog off, then only to drop sessions that ended
 * without a close hook seeing it). "Blocked for" is measured from the first look that found the thread with the same
 * stack, so it is exact to one tick.
 */
final class Watchdog {
    static final long IDLE_PERIOD_MILLIS = 10000;
    private static volatile long thresholdMillis;
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

    static final class Observed {
        final StackTraceElement[] stack;
        final long sinceNanos;
        boolean logged;

        Observed(StackTraceElement[] stack, long sinceNanos) {
            this.stack = stack;
            this.sinceNanos = sinceNanos;
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
        return t <= 0 ? IDLE_PERIOD_MILLIS : Math.max(250, Math.min(30000, t / 4));
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

    /** The last session closed: the queued tick goes (a session opened meanwhile queues one again). */
    static void noSessions() {
        synchronized (Watchdog.class) {
            DeadlineScheduler.Deadline p = pending;
            if (p != null && SshSessions.OPEN.isEmpty()) {
                p.cancel();
                pending = null;
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
            if (!SshSessions.OPEN.isEmpty()) {
                sessionsExist(); // also after a failure (counted by the scheduler): the watch goes on
            }
        }
    }

    static int blockedNow() {
        return observe(false).size();
    }

    /** Looks at every thread: those blocked in a library call, each with how long it has been (as far as seen). */
    static List<Blocked> observe(boolean logStuck) {
        ThreadInfo[] all;
        try {
            all = ManagementFactory.getThreadMXBean().dumpAllThreads(false, false);
        } catch (Throwable t) {
            return new ArrayList<Blocked>(); // no java.management in this runtime image
        }
        long now = DeadlineScheduler.nanoTime(); // the clock its ticks are scheduled on
        long self = Thread.currentThread().getId();
        List<Blocked> blocked = new ArrayList<Blocked>();
        List<Blocked> stuck = new ArrayList<Blocked>();
        long limit = thresholdMillis;
        synchronized (SEEN) {
            Set<Long> present = new HashSet<Long>();
            for (ThreadInfo t : all) {
                if (t == null || t.getThreadId() == self || !BlockedThreads.isAppThreadBlockedInLibrary(t)) {
                    continue;
                }
                Observed o = SEEN.get(t.getThreadId());
                if (o == null || !Arrays.equals(o.stack, t.getStackTrace())) {
                    o = new Observed(t.getStackTrace(), now);
                    SEEN.put(t.getThreadId(), o);
                }
                present.add(t.getThreadId());
                Blocked b = new Blocked(t, (now - o.sinceNanos) / 1000000L);
                blocked.add(b);
                if (logStuck && limit > 0 && !o.logged && b.blockedMillis >= limit) {
                    o.logged = true;
                    stuck.add(b);
                }
            }
            SEEN.keySet().retainAll(present);
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
}
