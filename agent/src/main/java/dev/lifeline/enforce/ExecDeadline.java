package dev.lifeline.enforce;

import dev.lifeline.config.Durations;
import dev.lifeline.config.Mode;
import dev.lifeline.config.Policy;
import dev.lifeline.policy.Policies;
import dev.lifeline.report.Counters;
import dev.lifeline.report.Counters.Counter;
import dev.lifeline.report.Faults;
import dev.lifeline.report.Log;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code exec.timeout} and {@code exec.idleTimeout} for one exec channel, library-neutral. On expiry: {@code TERM},
 * {@code exec.killGrace} later {@code KILL} and a channel close, and if even that is stuck after
 * {@code close.timeout}, the session's socket is shut. OpenSSH's sshd turns the signal request into
 * {@code killpg(session leader)}, so the remote command and its children end.
 *
 * <p>At most one scheduled task per channel: the idle check re-arms itself at {@code lastOutput + idleTimeout}
 * instead of ticking. A channel that ends normally is removed from the map and its task cancelled.
 */
public final class ExecDeadline {
    private static final int RUNNING = 0;
    private static final int TERM_SENT = 1;
    private static final int KILL_SENT = 2;
    private static final int DONE = 3;

    /** Keyed by the library's channel object (neither JSch nor MINA override equals/hashCode). */
    private static final ConcurrentHashMap<Object, ExecDeadline> WATCHED = new ConcurrentHashMap<Object, ExecDeadline>();
    /** Channels whose command a deadline ended, until the app lets go of them (weak keys; channels keep Object's equals). */
    private static final Map<Object, Boolean> ENDED_BY_DEADLINE = Collections.synchronizedMap(new WeakHashMap<Object, Boolean>());

    private final Object channel;
    private final ChannelControl control;
    private final Policy policy;
    private final String lib;
    private final String command;
    private final long startNanos = DeadlineScheduler.nanoTime();
    private final long totalMs;
    private final long idleMs;
    private volatile long lastOutputNanos = startNanos;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private volatile DeadlineScheduler.Deadline pending;
    private volatile String reason;

    private ExecDeadline(Object channel, ChannelControl control, Policy policy, String lib, String command) {
        this.channel = channel;
        this.control = control;
        this.policy = policy;
        this.lib = lib;
        this.command = command;
        this.totalMs = policy.execTimeoutMillis();
        this.idleMs = policy.execIdleTimeoutMillis();
    }

    /** Whether {@link #started} would watch a channel under {@code policy} (an exec or idle timeout is set). */
    public static boolean applies(Policy policy) {
        return policy != null && policy.mode() != Mode.OFF
                && (policy.execTimeoutMillis() > 0 || policy.execIdleTimeoutMillis() > 0);
    }

    /** The exec request has been sent. {@code command} is logged only with {@code log.commands=true}. */
    public static void started(Object channel, ChannelControl control, Policy policy, String lib, String command) {
        Faults.inject("ExecDeadline.started");
        if (policy == null || policy.mode() == Mode.OFF
                || (policy.execTimeoutMillis() <= 0 && policy.execIdleTimeoutMillis() <= 0)) {
            return;
        }
        ExecDeadline d = new ExecDeadline(channel, control, policy, lib, command);
        if (WATCHED.putIfAbsent(channel, d) != null) {
            return;
        }
        Counters.increment(Counter.EXEC_DEADLINES_WATCHED);
        d.scheduleNext();
    }

    /** Output arrived (stdout or stderr): the idle clock restarts. Called for every data packet of every channel. */
    public static void output(Object channel) {
        Faults.inject("ExecDeadline.output");
        ExecDeadline d = WATCHED.get(channel);
        if (d != null) {
            d.lastOutputNanos = DeadlineScheduler.nanoTime();
        }
    }

    /** The channel is closing or closed, by anyone: stop watching. */
    public static void ended(Object channel) {
        Faults.inject("ExecDeadline.ended");
        ExecDeadline d = WATCHED.remove(channel);
        if (d != null) {
            d.finish();
        }
    }

    /**
     * True once a deadline sent TERM to this channel's command. A command that traps TERM and exits 0 must still not
     * look like a success: the exit-status getters ask this, and report "no exit status" instead.
     */
    public static boolean endedByDeadline(Object channel) {
        ExecDeadline d = WATCHED.get(channel);
        if (d != null) {
            int s = d.state.get();
            return s == TERM_SENT || s == KILL_SENT;
        }
        return !ENDED_BY_DEADLINE.isEmpty() && ENDED_BY_DEADLINE.containsKey(channel);
    }

    /** The deadline armed on this channel and when it is due ("exec.timeout in 25s"), or null when none. */
    public static String describe(Object channel) {
        ExecDeadline d = WATCHED.get(channel);
        if (d == null) {
            return null;
        }
        int s = d.state.get();
        if (s == TERM_SENT) {
            return d.reason + (d.control.sendsSignals() ? " fired (TERM sent, KILL and close after exec.killGrace)"
                    : " fired (the library sends no signals: closed after exec.killGrace)");
        }
        if (s == KILL_SENT) {
            return d.reason + " fired (KILL sent, channel closing)";
        }
        long now = DeadlineScheduler.nanoTime();
        String what = null;
        long due = Long.MAX_VALUE;
        if (d.totalMs > 0) {
            due = d.startNanos + TimeUnit.MILLISECONDS.toNanos(d.totalMs);
            what = "exec.timeout=" + Durations.format(d.totalMs);
        }
        if (d.idleMs > 0) {
            long idleDue = d.lastOutputNanos + TimeUnit.MILLISECONDS.toNanos(d.idleMs);
            if (idleDue - due < 0) {
                due = idleDue;
                what = "exec.idleTimeout=" + Durations.format(d.idleMs);
            }
        }
        long sec = Math.max(0, TimeUnit.NANOSECONDS.toSeconds(due - now));
        return what + " due in " + (sec < 60 ? sec + "s" : sec < 3600 ? sec / 60 + "m" + sec % 60 + "s"
                : sec / 3600 + "h" + sec / 60 % 60 + "m")
                + (d.policy.mode() == Mode.AUDIT ? " (audit: would fire)" : "");
    }

    /** Channels being watched now: for leak tests and the JMX view. */
    public static int watched() {
        return WATCHED.size();
    }

    private void finish() {
        int before = state.getAndSet(DONE);
        DeadlineScheduler.Deadline p = pending;
        if (p != null) {
            p.cancel();
        }
        if (before == TERM_SENT || before == KILL_SENT) {
            ENDED_BY_DEADLINE.put(channel, Boolean.TRUE);
            Log.info("exec.deadline-ended", "lib", lib, "host", policy.host(), "port", policy.port(),
                    "elapsed_ms", elapsedMillis(), "after", before == TERM_SENT ? "TERM" : "KILL");
        }
    }

    private void scheduleNext() {
        long due = Long.MAX_VALUE;
        if (totalMs > 0) {
            due = startNanos + TimeUnit.MILLISECONDS.toNanos(totalMs);
        }
        if (idleMs > 0) {
            due = Math.min(due, lastOutputNanos + TimeUnit.MILLISECONDS.toNanos(idleMs));
        }
        long delayMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(due - DeadlineScheduler.nanoTime()) + 1);
        schedule("exec.check", delayMs, new Runnable() {
            @Override
            public void run() {
                check();
            }
        });
    }

    private void schedule(String what, long delayMs, Runnable r) {
        DeadlineScheduler.Deadline d = DeadlineScheduler.schedule(what, delayMs, r);
        pending = d;
        if (state.get() == DONE) {
            d.cancel(); // ended while we were re-arming
        }
    }

    private void check() {
        if (state.get() != RUNNING) {
            return;
        }
        if (control.isClosed()) {
            ended(channel);
            return;
        }
        long now = DeadlineScheduler.nanoTime();
        String why = null;
        long limit = 0;
        if (totalMs > 0 && now - startNanos >= TimeUnit.MILLISECONDS.toNanos(totalMs)) {
            why = "exec.timeout";
            limit = totalMs;
        } else if (idleMs > 0 && now - lastOutputNanos >= TimeUnit.MILLISECONDS.toNanos(idleMs)) {
            why = "exec.idleTimeout";
            limit = idleMs;
        }
        if (why == null) {
            scheduleNext();
            return;
        }
        String down = Policies.standDownReason(policy);
        if (down != null) {
            standDown(down);
            return;
        }
        fire(why, limit);
    }

    /**
     * After a change of configuration: every deadline whose host is now under {@code mode=off} (or Lifeline inactive)
     * stands down at once, one {@code exec.deadline-stood-down} line each; deadlines that fired already go on.
     *
     * @return how many stood down
     */
    public static int standDownWhereOff() {
        int n = 0;
        for (ExecDeadline d : WATCHED.values()) {
            String down = Policies.standDownReason(d.policy);
            if (down != null && d.standDown(down)) {
                n++;
            }
        }
        return n;
    }

    /** Once per deadline (the state moves to DONE only once): no TERM, no KILL, one line. */
    private boolean standDown(String why) {
        if (!state.compareAndSet(RUNNING, DONE)) {
            return false;
        }
        WATCHED.remove(channel, this);
        DeadlineScheduler.Deadline p = pending;
        if (p != null) {
            p.cancel();
        }
        Log.info("exec.deadline-stood-down", "lib", lib, "host", policy.host(), "port", policy.port(),
                "elapsed_ms", elapsedMillis(), "armed", armedAs(), "reason", why, "action", "none (deadline removed)");
        return true;
    }

    private String armedAs() {
        return (totalMs > 0 ? "exec.timeout=" + Durations.format(totalMs) + " (" + policy.source("exec.timeout") + ")" : "")
                + (totalMs > 0 && idleMs > 0 ? " " : "")
                + (idleMs > 0 ? "exec.idleTimeout=" + Durations.format(idleMs) + " (" + policy.source("exec.idleTimeout") + ")" : "");
    }

    private void fire(String why, long limit) {
        reason = why;
        long grace = policy.execKillGraceMillis();
        if (policy.mode() == Mode.AUDIT) {
            WATCHED.remove(channel);
            state.set(DONE);
            Counters.increment(Counter.EXEC_DEADLINES_AUDITED);
            Log.warn("exec.deadline-would-fire", fields("reason", why, "limit", Durations.format(limit),
                    "would", "TERM, KILL after " + Durations.format(grace) + ", close the channel", "action", "none (audit)"));
            return;
        }
        if (!state.compareAndSet(RUNNING, TERM_SENT)) {
            return;
        }
        Counters.increment(Counter.EXEC_DEADLINES_TERM);
        BlockedThreads.sessionEnding();
        boolean signals = control.sendsSignals();
        Log.warn("exec.deadline-fired", fields("reason", why, "limit", Durations.format(limit),
                "action", signals ? "TERM" : "none (the library sends no signals)",
                "next", (signals ? "KILL and close after " : "close after ") + Durations.format(grace)));
        Actions.run("exec.term", new Runnable() {
            @Override
            public void run() {
                signal("TERM");
            }
        });
        schedule("exec.kill", grace, new Runnable() {
            @Override
            public void run() {
                afterGrace();
            }
        });
    }

    private void afterGrace() {
        if (control.isClosed()) {
            ended(channel);
            return;
        }
        if (!state.compareAndSet(TERM_SENT, KILL_SENT)) {
            return;
        }
        Counters.increment(Counter.EXEC_DEADLINES_KILL);
        BlockedThreads.sessionEnding();
        Log.warn("exec.deadline-escalated", fields("reason", reason, "action", control.sendsSignals() ? "KILL, channel closed"
                : "channel closed (the library sends no signals)"));
        Actions.run("exec.kill", new Runnable() {
            @Override
            public void run() {
                signal("KILL");
                synchronized (ExecDeadline.this) {
                    try {
                        if (!control.isClosing()) {
                            control.close();
                        }
                    } catch (Exception e) {
                        Counters.increment(Counter.INTERNAL_ERRORS);
                        Log.info("exec.close-failed", "lib", lib, "host", policy.host(), "error", e);
                    }
                }
            }
        });
        long closeMs = policy.closeTimeoutMillis() > 0 ? policy.closeTimeoutMillis() : 5000;
        schedule("exec.force", closeMs, new Runnable() {
            @Override
            public void run() {
                if (!control.isClosed()) {
                    Log.warn("exec.session-forced-shut", fields("reason", "channel close did not complete within "
                            + Durations.format(policy.closeTimeoutMillis())));
                    control.forceCloseSession();
                }
                ended(channel);
            }
        });
    }

    /**
     * One network action at a time per channel, in order (TERM, KILL, close), and none once the channel is closing: a
     * signal that follows the library's CHANNEL_CLOSE makes OpenSSH drop the whole session (found with an SFTP transfer
     * beside sibling execs ended by their deadline).
     */
    private synchronized void signal(String name) {
        if (control.isClosing()) {
            return;
        }
        try {
            control.signal(name);
        } catch (Exception e) {
            Counters.increment(Counter.INTERNAL_ERRORS);
            Log.info("exec.signal-failed", "lib", lib, "host", policy.host(), "signal", name, "error", e);
        }
    }

    private Object[] fields(Object... extra) {
        Object[] base = {"lib", lib, "host", policy.host(), "port", policy.port(), "elapsed_ms", elapsedMillis(),
                "rule", policy.source(reason)};
        int n = base.length + extra.length + (policy.logCommands() && command != null ? 2 : 0);
        Object[] all = new Object[n];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        if (n > base.length + extra.length) {
            all[n - 2] = "command";
            all[n - 1] = command;
        }
        return all;
    }

    private long elapsedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(DeadlineScheduler.nanoTime() - startNanos);
    }
}
