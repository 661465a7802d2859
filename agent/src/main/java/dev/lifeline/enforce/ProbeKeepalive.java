package dev.lifeline.enforce;

import dev.lifeline.report.Faults;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lifeline's own keepalive for one connection of a library whose own keepalive is a thread per connection (sshj's
 * {@code KeepAlive}) or missing (Trilead, Ganymed), ticked by the {@code lifeline-deadlines} thread: no thread per
 * connection. It counts as OpenSSH's client does ({@code ServerAliveInterval}/{@code ServerAliveCountMax}): any packet
 * from the peer resets the count. A probe (a want-reply global request {@code keepalive@openssh.com}) goes out only
 * after an interval in which nothing arrived, one more after each further silent interval, and the peer is declared
 * dead when {@code countMax} probes went out and another interval passed with nothing at all from it: after about
 * {@code interval × (countMax + 1)} of silence, as OpenSSH (below). A server that streams output and never answers
 * keepalive requests is alive; a reply is a packet like any other ({@code TransportImpl.handle} sets the clock).
 *
 * <p>The ticks keep OpenSSH's clock: its client schedules the next check at {@code monotime() + interval}, and
 * {@code monotime()} is whole seconds, so the first probe after a packet goes at the first whole second of the clock at
 * least {@code interval - 1 s} after it, and the verdict comes between {@code interval × (countMax + 1) - 1 s} and
 * {@code interval × (countMax + 1)} after the last packet (on average half a second before a count from the packet's
 * exact instant: JSch's, whose read timeout starts at the packet). Here the next tick is due at the whole second of
 * {@link System#nanoTime()} (CLOCK_MONOTONIC on Linux; OpenSSH's is CLOCK_BOOTTIME, whose seconds start elsewhere: the
 * same rule on another phase) of the last packet or probe, plus one interval; an interval under a second, which
 * OpenSSH cannot express, counts from the packet's exact instant. As in OpenSSH, the peer is still asked at least once
 * per interval of silence, its last probe has about an interval to be answered, and it is never declared dead after
 * less than {@code interval × countMax} of silence.
 *
 * <p>The send is a transport write, which can block (the write lock held by an app thread stuck on a dead peer, a key
 * exchange in progress, a full socket buffer), so it runs on {@link Actions}, one send per connection at a time. A send
 * that started and has not returned counts as unanswered, one miss per silent tick, so a connection whose writes are
 * stuck is declared dead on the same schedule as a silent one; a send still waiting for a pool thread (the pool busy
 * with other connections) is no sign against this peer, so the tick waits.
 */
public final class ProbeKeepalive implements Runnable {
    /** What a tick needs from one connection: each library implements it (sshj's {@code SshjKeepaliveLink}), tests with fakes. */
    public interface Link {
        /** The connection ended (transport not running, client gone): the keepalive stops. */
        boolean closed() throws Exception;

        /** Key exchange and authentication done (sshj's own runner waits for this too). */
        boolean ready() throws Exception;

        /** When the last packet from the peer arrived, on {@link System#nanoTime()}; never blocks. */
        long lastPacketNanos() throws Exception;

        /** Sends one probe; may block. */
        void send() throws Exception;

        /** Logs, counts and kills the transport; called once, on the tick. */
        void dead(long intervalMillis, int countMax, long silentMillis);
    }

    private static final AtomicInteger LIVE = new AtomicInteger();
    /**
     * Per library, its ticks' name and its sends' executor, shared by every connection: a session keeps no string or
     * executor of its own (row 7: 72 bytes per idle session).
     */
    private static final ConcurrentHashMap<String, Names> NAMES = new ConcurrentHashMap<String, Names>();

    private static final class Names implements Executor {
        final String ticks;
        final String sends;

        Names(String lib) {
            this.ticks = lib + ".keepalive";
            this.sends = lib + ".keepalive.send";
        }

        @Override
        public void execute(Runnable command) {
            Actions.run(sends, command);
        }
    }

    public final long intervalMillis;
    public final int countMax;
    private final Link link;
    private final Executor sender;

    /**
     * Guarded by this: probes sent (or stuck sending) since the peer's last packet, oldest first; null while there are
     * none, which is most of an answering connection's life (an idle session keeps no deque: row 7).
     */
    private ArrayDeque<Probe> probes;
    /** Guarded by this: the probe whose send has not returned yet, or null. */
    private Probe sending;
    private volatile boolean stopped;
    private volatile DeadlineScheduler.Repeating ticks;
    /** Guarded by this: counted in {@link #LIVE} (started, not yet stopped). */
    private boolean counted;

    private static final class Probe {
        /** When the tick decided it (nanoTime): a packet from the peer after this answers it. */
        final long nanos;
        /** The send began on a pool thread. */
        boolean started;

        Probe(long nanos) {
            this.nanos = nanos;
        }
    }

    ProbeKeepalive(long intervalMillis, int countMax, Link link, Executor sender) {
        this.intervalMillis = intervalMillis;
        this.countMax = countMax;
        this.link = link;
        this.sender = sender;
    }

    /** Starts ticking on the deadline thread, every interval. */
    public static ProbeKeepalive start(String lib, long intervalMillis, int countMax, Link link) {
        Names names = NAMES.get(lib);
        if (names == null) {
            NAMES.putIfAbsent(lib, new Names(lib));
            names = NAMES.get(lib);
        }
        ProbeKeepalive k = new ProbeKeepalive(intervalMillis, countMax, link, names);
        synchronized (k) {
            k.counted = true;
            LIVE.incrementAndGet();
        }
        k.ticks = DeadlineScheduler.every(names.ticks, intervalMillis, k);
        if (k.stopped) {
            k.ticks.cancel(); // stopped from another thread before the ticks were known
        }
        return k;
    }

    /** Keepalives ticking now, in the JVM: for leak tests. */
    public static int live() {
        return LIVE.get();
    }

    /** Idempotent; from any thread. */
    public void stop() {
        if (stopped) {
            return;
        }
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
            probes = null;
            if (counted) {
                counted = false;
                LIVE.decrementAndGet();
            }
        }
        DeadlineScheduler.Deadline t = ticks;
        if (t != null) {
            t.cancel();
        }
    }

    public boolean stopped() {
        return stopped;
    }

    /** Probes sent since the peer's last packet (a stuck send included): for the sessions view. */
    public synchronized int outstanding() {
        return probes == null ? 0 : probes.size();
    }

    /** One tick, on the deadline thread: never blocks, never throws; it says when the next is due. */
    @Override
    public void run() {
        try {
            long next = tick(System.nanoTime());
            DeadlineScheduler.Repeating t = ticks;
            if (next > 0 && t != null) {
                t.nextIn(next);
            }
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /**
     * @param now {@link System#nanoTime()}, the clock packets are stamped with
     * @return milliseconds until the next tick, or -1 once stopped
     */
    long tick(long now) throws Exception {
        if (stopped) {
            return -1;
        }
        if (link.closed()) {
            stop();
            return -1;
        }
        if (!link.ready()) {
            return intervalMillis;
        }
        long last = link.lastPacketNanos();
        long silence = now - last;
        Probe send;
        boolean unanswered;
        synchronized (this) {
            if (stopped) {
                return -1;
            }
            forgetAnsweredBy(last);
            long left = dueAfter(last) - now;
            // heard from within the interval: the count is 0, ask one interval after (not even a millisecond early: no
            // probe, and no verdict, on less silence than OpenSSH's)
            if (left > 0) {
                return (left + 999999L) / 1000000L;
            }
            unanswered = outstanding() > 0;
            if (sending != null && !sending.started) {
                return millisToNextTick(now); // queued behind other connections' sends: nothing learned about this peer yet
            }
            if (outstanding() >= countMax) {
                send = null;
            } else if (sending != null) {
                probes().add(new Probe(now)); // the last send is still stuck in sshj: this interval's probe is missed too
                return millisToNextTick(now);
            } else {
                send = new Probe(now);
                probes().add(send);
                sending = send;
            }
        }
        if (unanswered) {
            BlockedThreads.prepare(); // a verdict may come: its look at the threads, before the close, warmed now
        }
        if (send == null) {
            stop();
            link.dead(intervalMillis, countMax, silence / 1000000L);
            return -1;
        }
        final Probe probe = send;
        sender.execute(new Runnable() {
            @Override
            public void run() {
                send(probe);
            }
        });
        return millisToNextTick(now);
    }

    /** OpenSSH's {@code monotime()}: whole seconds, for an interval of a second or more (see the class comment). */
    private long tickClock(long nanos) {
        return intervalMillis >= 1000 ? Math.floorDiv(nanos, 1000000000L) * 1000000000L : nanos;
    }

    /** When a tick is due after a packet or a probe at {@code nanos}: OpenSSH's {@code monotime() + interval}. */
    long dueAfter(long nanos) {
        return tickClock(nanos) + intervalMillis * 1000000L;
    }

    /** Milliseconds from a tick at {@code now} to the next one, at least 1. */
    private long millisToNextTick(long now) {
        return Math.max(1, (dueAfter(now) - now + 999999L) / 1000000L);
    }

    /** On a pool thread. A failed send leaves the probe unanswered: the transport is failing, the ticks will tell. */
    private void send(Probe probe) {
        synchronized (this) {
            if (stopped) {
                sending = null;
                return;
            }
            probe.started = true;
        }
        try {
            link.send();
        } catch (Throwable t) {
            // a transport error: the connection is ending, and the next tick sees it closed or counts the miss
        } finally {
            synchronized (this) {
                if (sending == probe) {
                    sending = null;
                }
            }
        }
    }

    /** Caller holds this. Any packet from the peer answers every probe sent before it, as OpenSSH resets its count. */
    private void forgetAnsweredBy(long lastPacketNanos) {
        if (probes == null) {
            return;
        }
        Iterator<Probe> it = probes.iterator();
        while (it.hasNext()) {
            if (it.next().nanos - lastPacketNanos < 0) {
                it.remove();
            } else {
                return;
            }
        }
        if (probes.isEmpty()) {
            probes = null;
        }
    }

    /** Caller holds this. The deque, made when the first probe since the peer's last packet goes out. */
    private ArrayDeque<Probe> probes() {
        if (probes == null) {
            probes = new ArrayDeque<Probe>(4);
        }
        return probes;
    }
}
