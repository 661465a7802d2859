package dev.lifeline.enforce;

import dev.lifeline.config.Config;
import dev.lifeline.config.Durations;
import dev.lifeline.config.HostRule;
import dev.lifeline.config.Key;
import dev.lifeline.config.Mode;
import dev.lifeline.config.Policy;
import dev.lifeline.policy.Policies;
import dev.lifeline.report.Counters;
import dev.lifeline.report.Counters.Counter;
import dev.lifeline.report.Faults;
import dev.lifeline.report.Log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code sftp.timeout} for one SFTP request waiting for its response, library-neutral. Keepalive cannot see this
 * stall: the transport answers while the server's {@code sftp-server} (a hung NFS mount, a stuck disk behind it)
 * never does. On expiry the SFTP channel is closed (the session stays), which wakes the library's own wait, and the
 * call that waited fails with {@link #exception}: an {@code IOException} naming Lifeline and the limit, which the
 * libraries' calls declare or wrap in their own type (JSch {@code SftpException}, sshj {@code SFTPException}).
 *
 * <p>A request is one wait, which ends only once the whole response is there: armed when the library starts waiting
 * for a response (MINA {@code DefaultSftpClient.receive}, which its channel hands complete packets only) or sends a
 * request whose response another thread delivers once its last byte is read (sshj), ended when the wait returns or
 * the response is delivered. JSch reads a response's header and body from the channel's pipe on the app's thread, with
 * the app's code in between: there each read of the pipe that has to wait is one (a body that stops arriving is
 * bounded as a response that never starts). One scheduled task per request, cancelled on the answer.
 */
public final class SftpDeadline {
    private static final int WAITING = 0;
    private static final int FIRED = 1;
    private static final int DONE = 2;
    /**
     * How long after the channel's close a waiter that is still waiting is interrupted. The close wakes every wait in
     * the libraries but one: MINA 2.7 to 2.12 leave a write waiting for window space ({@code DefaultSftpClient.send})
     * pending after {@code close(true)}; its wait ends on an interrupt ({@code InterruptedIOException}).
     */
    static final long WAKE_AFTER_CLOSE_MS = 500;

    /** What a deadline does to one library's SFTP channel. Implementations use reflection. */
    public interface SftpControl {
        /** Fails this one request where the library lets a waiter be woken per request (sshj's promise); else nothing. */
        void failRequest(IOException why) throws Exception;

        /**
         * Closes the SFTP channel (not the session), the way the library does, so every waiting call wakes. Runs on an
         * action thread: it may block on the network.
         */
        void closeChannel() throws Exception;

        /**
         * Whether the waiter is interrupted at once, before the close: for a wait that only an interrupt ends, where
         * the library's close may itself wait for the stalled server (sshj's wait for its remote window).
         */
        default boolean interruptFirst() {
            return false;
        }
    }

    /** Requests waiting now, keyed by the handle the hook holds (itself, or sshj's promise). */
    private static final ConcurrentHashMap<Object, SftpDeadline> WAITING_NOW = new ConcurrentHashMap<Object, SftpDeadline>();
    /**
     * SFTP channels a deadline closed, until the app lets go of them (weak keys). A request made on one after that
     * (the app's {@code close()} of its stream, say, while the library's close is still under way) fails at once
     * with the same exception, without another line or count: one stall, one {@code sftp.deadline-fired}.
     */
    private static final Map<Object, Boolean> CLOSED_BY_DEADLINE = Collections.synchronizedMap(new WeakHashMap<Object, Boolean>());

    private final Object key;
    private final Object channel;
    private final SftpControl control;
    private final Policy policy;
    private final String lib;
    private final String op;
    private final long limitMs;
    private final long startNanos = DeadlineScheduler.nanoTime();
    private final AtomicInteger state = new AtomicInteger(WAITING);
    private volatile DeadlineScheduler.Deadline pending;
    /** Made on a channel a deadline already closed: fails at once, silently. */
    private boolean followUp;
    /** The thread that waits, where the hook runs on it (JSch, MINA); null where the wait is elsewhere (sshj). */
    private final Thread waiter;
    /** Set once {@link #WAKE_AFTER_CLOSE_MS} after the close the waiter was still there and was interrupted. */
    private volatile boolean interrupted;

    private SftpDeadline(Object key, Object channel, SftpControl control, Policy policy, String lib, String op) {
        this.key = key == null ? this : key;
        this.channel = channel;
        this.control = control;
        this.policy = policy;
        this.lib = lib;
        this.op = op;
        this.limitMs = policy.sftpTimeoutMillis();
        this.waiter = key == null ? Thread.currentThread() : null;
    }

    /** The configuration {@link #configured} last looked at and its answer, as one pair (one volatile read). */
    private static volatile Object[] lookedAt = {null, Boolean.FALSE};

    /**
     * Whether the active configuration sets {@code sftp.timeout} anywhere (globally or in a rule): when not, the hooks
     * stop here, before any reflection, on every SFTP response of every app that never asked for it. Once per
     * configuration (a reload or {@code setMode} replaces it).
     */
    public static boolean configured() {
        Config c = Policies.activeConfig();
        if (c == null) {
            return false;
        }
        Object[] last = lookedAt;
        if (last[0] == c) {
            return (Boolean) last[1];
        }
        boolean any = !"0".equals(c.globalValue(Key.SFTP_TIMEOUT.name));
        for (HostRule r : c.rules()) {
            any |= r.values().containsKey(Key.SFTP_TIMEOUT.name);
        }
        lookedAt = new Object[] {c, any};
        return any;
    }

    /** Whether {@link #started} would arm a deadline under {@code policy}. */
    public static boolean applies(Policy policy) {
        return policy != null && policy.mode() != Mode.OFF && policy.sftpTimeoutMillis() > 0;
    }

    /**
     * A request waits for its response now.
     *
     * @param key what {@link #answered(Object)} is later called with (sshj's promise), or null: then the returned
     *            handle is the key
     * @param channel the library's SFTP channel or client: what the sessions view lists the request under
     * @param op what waits, for the log line and the view ("response", "write", a request type)
     * @return the handle to pass to {@link #answered}, or null when no deadline applies
     */
    public static Object started(Object key, Object channel, SftpControl control, Policy policy, String lib, String op) {
        Faults.inject("SftpDeadline.started");
        if (!applies(policy)) {
            return null;
        }
        final SftpDeadline d = new SftpDeadline(key, channel, control, policy, lib, op);
        d.followUp = !CLOSED_BY_DEADLINE.isEmpty() && CLOSED_BY_DEADLINE.containsKey(channel);
        if (WAITING_NOW.putIfAbsent(d.key, d) != null) {
            return null;
        }
        d.pending = DeadlineScheduler.schedule("sftp.check", d.followUp ? 0 : d.limitMs, new Runnable() {
            @Override
            public void run() {
                d.check();
            }
        });
        if (d.state.get() == DONE) {
            d.pending.cancel(); // answered while we were arming
        }
        return d.key;
    }

    /**
     * The wait is over (a response, an error of the library's own, or the wake-up a fired deadline caused). Cheap when
     * nothing waits: one map lookup.
     *
     * @return the exception the app's call must fail with when this request's deadline fired, else null
     */
    public static IOException answered(Object key) {
        if (key == null || WAITING_NOW.isEmpty()) {
            return null;
        }
        SftpDeadline d = WAITING_NOW.remove(key);
        if (d == null) {
            return null;
        }
        int before = d.state.getAndSet(DONE);
        DeadlineScheduler.Deadline p = d.pending;
        if (p != null) {
            p.cancel();
        }
        synchronized (d) { // after the removal: an interrupt either came before this, or never comes
            if (d.interrupted && Thread.currentThread() == d.waiter) {
                Thread.interrupted(); // ours, not the app's: the wait it was meant to end is over
            }
        }
        // a follow-up's wait was on a channel a deadline closed: whatever ended it (the pipe's end), that is why
        return before == FIRED || d.followUp ? d.exception() : null;
    }

    /** Requests waiting now: for leak tests and the JMX view. */
    public static int waiting() {
        return WAITING_NOW.size();
    }

    /** The requests waiting on {@code channel} now and their age, e.g. "read waiting 3s (sftp.timeout=10s)"; or empty. */
    public static List<String> describe(Object channel) {
        List<String> out = new ArrayList<String>();
        if (WAITING_NOW.isEmpty()) {
            return out;
        }
        long now = DeadlineScheduler.nanoTime();
        for (SftpDeadline d : WAITING_NOW.values()) {
            if (d.channel == channel) {
                long ms = TimeUnit.NANOSECONDS.toMillis(now - d.startNanos);
                out.add(d.op + " waiting " + Durations.format(ms) + " (sftp.timeout=" + Durations.format(d.limitMs)
                        + (d.state.get() == FIRED ? ", fired" : d.policy.mode() == Mode.AUDIT ? ", audit" : "") + ")");
            }
        }
        return out;
    }

    /** The exception the app's call fails with: names Lifeline, the key and the limit. */
    IOException exception() {
        return new IOException("Lifeline: no SFTP response within sftp.timeout=" + Durations.format(limitMs) + " ("
                + policy.source("sftp.timeout") + ") from " + policy.host() + ":" + policy.port()
                + "; the SFTP channel was closed, the session is kept");
    }

    private void check() {
        if (state.get() != WAITING) {
            return;
        }
        if (followUp) {
            if (state.compareAndSet(WAITING, FIRED)) {
                Actions.run("sftp.fail", failing(Collections.singletonList(this), false));
            }
            return;
        }
        String down = Policies.standDownReason(policy);
        if (down != null) {
            if (state.compareAndSet(WAITING, DONE)) {
                WAITING_NOW.remove(key, this);
                Log.info("sftp.deadline-stood-down", fields("reason", down, "action", "none (deadline removed)"));
            }
            return;
        }
        boolean audit = policy.mode() == Mode.AUDIT;
        if (!state.compareAndSet(WAITING, audit ? DONE : FIRED)) {
            return;
        }
        // the other requests waiting on the channel are the same stall (pipelined writes, read-ahead): one line
        List<SftpDeadline> all = new ArrayList<SftpDeadline>();
        all.add(this);
        for (SftpDeadline other : WAITING_NOW.values()) {
            if (other != this && other.channel == channel && other.state.compareAndSet(WAITING, audit ? DONE : FIRED)) {
                DeadlineScheduler.Deadline p = other.pending;
                if (p != null) {
                    p.cancel();
                }
                all.add(other);
            }
        }
        if (audit) {
            for (SftpDeadline d : all) {
                WAITING_NOW.remove(d.key, d);
            }
            Counters.increment(Counter.SFTP_DEADLINES_AUDITED);
            Log.warn("sftp.deadline-would-fire", fields("waiting", all.size(),
                    "would", "fail the call, close the SFTP channel", "action", "none (audit)"));
            return;
        }
        CLOSED_BY_DEADLINE.put(channel, Boolean.TRUE);
        Counters.increment(Counter.SFTP_DEADLINES_FIRED);
        BlockedThreads.sessionEnding();
        Log.warn("sftp.deadline-fired", fields("waiting", all.size(),
                "action", "SFTP channel closed, call failed (session kept)"));
        Actions.run("sftp.close", failing(all, true));
    }

    /** Fails each request (where the library wakes waiters per request), then closes the channel once. */
    private Runnable failing(final List<SftpDeadline> requests, final boolean close) {
        return new Runnable() {
            @Override
            public void run() {
                try {
                    for (SftpDeadline d : requests) {
                        d.control.failRequest(d.exception());
                        if (d.control.interruptFirst()) {
                            d.interruptIfWaiting();
                        }
                    }
                    if (close) {
                        control.closeChannel();
                        wakeIfStillWaiting(requests);
                    }
                } catch (Exception e) {
                    Counters.increment(Counter.INTERNAL_ERRORS);
                    Log.info("sftp.close-failed", "lib", lib, "host", policy.host(), "port", policy.port(), "error", e);
                }
            }
        };
    }

    /** After the close: a waiter the close did not wake is interrupted, once (see {@link #WAKE_AFTER_CLOSE_MS}). */
    private static void wakeIfStillWaiting(final List<SftpDeadline> requests) {
        DeadlineScheduler.schedule("sftp.wake", WAKE_AFTER_CLOSE_MS, new Runnable() {
            @Override
            public void run() {
                for (SftpDeadline d : requests) {
                    d.interruptIfWaiting();
                }
            }
        });
    }

    /** Interrupts the waiter once, if it still waits; {@link #answered} clears the flag it set. */
    private void interruptIfWaiting() {
        if (waiter == null || state.get() != FIRED) {
            return;
        }
        synchronized (this) {
            if (WAITING_NOW.get(key) == this && !interrupted) {
                interrupted = true;
                waiter.interrupt();
            }
        }
    }

    private Object[] fields(Object... extra) {
        Object[] base = {"lib", lib, "host", policy.host(), "port", policy.port(), "op", op,
                "elapsed_ms", TimeUnit.NANOSECONDS.toMillis(DeadlineScheduler.nanoTime() - startNanos),
                "limit", Durations.format(limitMs), "rule", policy.source("sftp.timeout")};
        Object[] all = new Object[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }
}
