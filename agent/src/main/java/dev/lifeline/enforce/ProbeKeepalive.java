package dev.lifeline.enforce;

import dev.lifeline.report.Faults;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lifeline's own keepalive for one connection of a library whose own keepalive is a thread per connection (sshj's
 * {@code KeepAlive}) or missing (Trilead, Ganymed), ticked by the {@code lifeline-deadlines} thread: no thread per
 * connection. It does what sshj's {@code KeepAliveRunner} does, without ever blocking the tick: every interval the
 * tick forgets the probes that were answered, declares the peer dead when {@code countMax} are still unanswered, and
 * otherwise sends one more probe (a want-reply global request {@code keepalive@openssh.com}).
 *
 * <p>The send is a transport write, which can block (the write lock held by an app thread stuck on a dead peer, a key
 * exchange in progress, a full socket buffer), so it runs on {@link Actions}, one send per connection at a time, and
 * the tick reads its promise on a later run. A send that started and has not returned counts as unanswered, one miss
 * per tick, so a connection whose writes are stuck is declared dead on the same schedule as a silent one; a send still
 * waiting for a pool thread (the pool busy with other connections) is no sign against this peer, so the tick waits.
 */
public final class ProbeKeepalive implements Runnable {
    /** What a tick needs from one connection: each library implements it (sshj's {@code SshjKeepaliveLink}), tests with fakes. */
    public interface Link {
        /** The connection ended (transport not running, client gone): the keepalive stops. */
        boolean closed() throws Exception;

        /** Key exchange and authentication done (sshj's own runner waits for this too). */
        boolean ready() throws Exception;

        /** Sends one probe; may block. @return what {@link #answered} is asked about later */
        Object send() throws Exception;

        /** Never blocks. */
        boolean answered(Object probe) throws Exception;

        /** Logs, counts and kills the transport; called once, on the tick. */
        void dead(long intervalMillis, int countMax);
    }

    private static final AtomicInteger LIVE = new AtomicInteger();


    public final long intervalMillis;
    public final int countMax;
    private final Link link;
    private final Executor sender;

    /** Guarded by this: probes sent (or stuck sending) and not yet answered, oldest first. */
    private final ArrayDeque<Probe> probes = new ArrayDeque<Probe>(4);
    /** Guarded by this: the probe whose send has not returned yet, or null. */
    private Probe sending;
    private volatile boolean stopped;
    private volatile DeadlineScheduler.Deadline ticks;
    /** Guarded by this: counted in {@link #LIVE} (started, not yet stopped). */
    private boolean counted;

    private static final class Probe {
        /** The send began on a pool thread. */
        boolean started;
        /** sshj's promise once the send returned; null while sending or for a tick counted against a stuck send. */
        Object promise;
    }

    ProbeKeepalive(long intervalMillis, int countMax, Link link, Executor sender) {
        this.intervalMillis = intervalMillis;
        this.countMax = countMax;
        this.link = link;
        this.sender = sender;
    }

    /** Starts ticking on the deadline thread, every interval. */
    public static ProbeKeepalive start(final String lib, long intervalMillis, int countMax, Link link) {
        ProbeKeepalive k = new ProbeKeepalive(intervalMillis, countMax, link, new Executor() {
            @Override
            public void execute(Runnable command) {
                Actions.run(lib + ".keepalive.send", command);
            }
        });
        synchronized (k) {
            k.counted = true;
            LIVE.incrementAndGet();
        }
        k.ticks = DeadlineScheduler.every(lib + ".keepalive", intervalMillis, k);
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
            probes.clear();
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

    /** Probes sent and unanswered (a stuck send included): for the sessions view. */
    public synchronized int outstanding() {
        return probes.size();
    }

    /** One tick, on the deadline thread: never blocks, never throws. */
    @Override
    public void run() {
        try {
            tick();
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    void tick() throws Exception {
        if (stopped) {
            return;
        }
        if (link.closed()) {
            stop();
            return;
        }
        if (!link.ready()) {
            return;
        }
        Probe send;
        synchronized (this) {
            if (stopped) {
                return;
            }
            forgetAnswered();
            if (sending != null && !sending.started) {
                return; // queued behind other connections' sends: nothing learned about this peer yet
            }
            if (probes.size() >= countMax) {
                send = null;
            } else if (sending != null) {
                probes.add(new Probe()); // the last send is still stuck in sshj: this interval's probe is missed too
                return;
            } else {
                send = new Probe();
                probes.add(send);
                sending = send;
            }
        }
        if (send == null) {
            stop();
            link.dead(intervalMillis, countMax);
            return;
        }
        final Probe probe = send;
        sender.execute(new Runnable() {
            @Override
            public void run() {
                send(probe);
            }
        });
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
        Object promise = null;
        try {
            promise = link.send();
        } catch (Throwable t) {
            // a transport error: the connection is ending, and the next tick sees it closed or counts the miss
        } finally {
            synchronized (this) {
                probe.promise = promise;
                if (sending == probe) {
                    sending = null;
                }
            }
        }
    }

    /** Caller holds this. The newest answered probe answers every older one (the server replies in order). */
    private void forgetAnswered() throws Exception {
        int answered = 0;
        int i = 0;
        for (Probe p : probes) {
            i++;
            if (p.promise != null && link.answered(p.promise)) {
                answered = i;
            }
        }
        Iterator<Probe> it = probes.iterator();
        for (int n = 0; n < answered; n++) {
            it.next();
            it.remove();
        }
    }
}
