package dev.lifeline.enforce;

import dev.lifeline.config.Durations;
import dev.lifeline.config.Mode;
import dev.lifeline.config.Policy;
import dev.lifeline.policy.Policies;
import dev.lifeline.report.Counters;
import dev.lifeline.report.Counters.Counter;
import dev.lifeline.report.Faults;
import dev.lifeline.report.Log;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code forward.idleTimeout} for one locally forwarded connection (a direct-tcpip channel and its local socket),
 * library-neutral. Data either way restarts the idle clock ({@link #activity}); with none for the limit, the
 * connection is closed (channel and local socket, on {@link Actions}: a close may block on a stuck session), with one
 * {@code forward.idle-closed} line. In {@code audit} one {@code forward.idle-would-close} line and nothing touched.
 *
 * <p>As {@link ExecDeadline}'s idle check: at most one task per connection on {@link DeadlineScheduler}'s thread,
 * re-armed at {@code last activity + limit}, never a thread per connection. Data is seen under several keys (the
 * channel for data from the peer; the library's outgoing stream or local socket session for data to it), so each
 * connection is found by any of its keys, each a map lookup and a volatile write.
 */
public final class ForwardIdle {
    private static final int WATCHING = 0;
    private static final int FIRED = 1;
    private static final int DONE = 2;

    /** What closes one forwarded connection: its channel and its local socket. Must not throw past {@link #close}. */
    public interface Closer {
        /** Closes the channel and the local socket; may block (runs on {@link Actions}). */
        void close() throws Exception;

        /** True once the channel is closed by anyone: the watch ends. */
        boolean isClosed();
    }

    /** Keyed by the channel and by each alias (library objects: identity, none overrides equals). */
    private static final ConcurrentHashMap<Object, ForwardIdle> WATCHED = new ConcurrentHashMap<Object, ForwardIdle>();
    /** Connections watched (not keys): the hot path skips the map while it is 0. */
    private static final AtomicInteger COUNT = new AtomicInteger();

    private final Object channel;
    private final Object[] aliases;
    private final Closer closer;
    private final Policy policy;
    private final String lib;
    private final String target;
    private final long limitMs;
    private final long startNanos = DeadlineScheduler.nanoTime();
    private volatile long lastNanos = startNanos;
    private final AtomicInteger state = new AtomicInteger(WATCHING);
    private volatile DeadlineScheduler.Deadline pending;

    private ForwardIdle(Object channel, Object[] aliases, Closer closer, Policy policy, String lib, String target) {
        this.channel = channel;
        this.aliases = aliases;
        this.closer = closer;
        this.policy = policy;
        this.lib = lib;
        this.target = target;
        this.limitMs = policy.forwardIdleTimeoutMillis();
    }

    /** Whether {@link #started} would watch a connection under {@code policy}. */
    public static boolean applies(Policy policy) {
        return policy != null && policy.mode() != Mode.OFF && policy.forwardIdleTimeoutMillis() > 0;
    }

    /**
     * A forwarded connection is open.
     *
     * @param target  {@code host:port} the peer connects to, as the app gave it (logged escaped)
     * @param aliases other objects data of this connection passes through (its outgoing stream, local I/O session)
     */
    public static void started(Object channel, Closer closer, Policy policy, String lib, String target, Object... aliases) {
        Faults.inject("ForwardIdle.started");
        if (!applies(policy) || channel == null) {
            return;
        }
        ForwardIdle f = new ForwardIdle(channel, aliases == null ? new Object[0] : aliases, closer, policy, lib, target);
        if (WATCHED.putIfAbsent(channel, f) != null) {
            return;
        }
        COUNT.incrementAndGet();
        for (Object a : f.aliases) {
            if (a != null) {
                WATCHED.putIfAbsent(a, f);
            }
        }
        f.scheduleNext();
    }

    /** Data passed through {@code channelOrAlias}, either way: the idle clock restarts. Hot path. */
    public static void activity(Object channelOrAlias) {
        if (COUNT.get() == 0 || channelOrAlias == null) {
            return;
        }
        ForwardIdle f = WATCHED.get(channelOrAlias);
        if (f != null) {
            f.lastNanos = DeadlineScheduler.nanoTime();
        }
    }

    /** The channel (or an alias) ended, by anyone: stop watching. */
    public static void ended(Object channelOrAlias) {
        if (COUNT.get() == 0 || channelOrAlias == null) {
            return;
        }
        ForwardIdle f = WATCHED.get(channelOrAlias);
        if (f != null) {
            f.finish();
        }
    }

    /** "forward.idleTimeout=2s, idle 1.2s" for the sessions view, or null when the connection is not watched. */
    public static String describe(Object channel) {
        ForwardIdle f = channel == null ? null : WATCHED.get(channel);
        if (f == null) {
            return null;
        }
        long idleMs = TimeUnit.NANOSECONDS.toMillis(DeadlineScheduler.nanoTime() - f.lastNanos);
        return "forward.idleTimeout=" + Durations.format(f.limitMs) + " (idle " + idleMs + "ms"
                + (f.policy.mode() == Mode.AUDIT ? ", audit: would close" : "") + ")";
    }

    /** Connections watched now: for leak tests. */
    public static int watched() {
        return COUNT.get();
    }

    private void finish() {
        if (state.getAndSet(DONE) == DONE) {
            return;
        }
        if (WATCHED.remove(channel, this)) {
            COUNT.decrementAndGet();
        }
        for (Object a : aliases) {
            if (a != null) {
                WATCHED.remove(a, this);
            }
        }
        DeadlineScheduler.Deadline p = pending;
        if (p != null) {
            p.cancel();
        }
    }

    private void scheduleNext() {
        long due = lastNanos + TimeUnit.MILLISECONDS.toNanos(limitMs);
        long delayMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(due - DeadlineScheduler.nanoTime()) + 1);
        DeadlineScheduler.Deadline d = DeadlineScheduler.schedule("forward.idle", delayMs, new Runnable() {
            @Override
            public void run() {
                check();
            }
        });
        pending = d;
        if (state.get() == DONE) {
            d.cancel(); // ended while re-arming
        }
    }

    /** On the deadline thread: never blocks (the close runs on {@link Actions}). */
    private void check() {
        if (state.get() != WATCHING) {
            return;
        }
        boolean closed;
        try {
            closed = closer.isClosed();
        } catch (Throwable t) {
            closed = false;
        }
        if (closed) {
            finish();
            return;
        }
        long idleNanos = DeadlineScheduler.nanoTime() - lastNanos;
        if (idleNanos < TimeUnit.MILLISECONDS.toNanos(limitMs)) {
            scheduleNext();
            return;
        }
        String down = Policies.standDownReason(policy);
        if (down != null) {
            finish();
            return;
        }
        long idleMs = TimeUnit.NANOSECONDS.toMillis(idleNanos);
        if (policy.mode() == Mode.AUDIT) {
            Counters.increment(Counter.FORWARD_IDLE_AUDITED);
            Log.warn("forward.idle-would-close", "lib", lib, "host", policy.host(), "port", policy.port(),
                    "target", target, "idle_ms", idleMs, "limit", Durations.format(limitMs),
                    "rule", policy.source("forward.idleTimeout"), "action", "none (audit)");
            finish(); // once per connection
            return;
        }
        if (!state.compareAndSet(WATCHING, FIRED)) {
            return;
        }
        Counters.increment(Counter.FORWARD_IDLE_CLOSED);
        Log.warn("forward.idle-closed", "lib", lib, "host", policy.host(), "port", policy.port(), "target", target,
                "idle_ms", idleMs, "limit", Durations.format(limitMs), "rule", policy.source("forward.idleTimeout"),
                "action", "channel and local socket closed");
        Actions.run("forward.close", new Runnable() {
            @Override
            public void run() {
                try {
                    closer.close();
                } catch (Exception e) {
                    Faults.suppressed(e);
                } finally {
                    finish();
                }
            }
        });
    }
}
