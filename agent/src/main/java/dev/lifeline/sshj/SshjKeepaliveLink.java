package dev.lifeline.sshj;

import dev.lifeline.enforce.Actions;
import dev.lifeline.enforce.ProbeKeepalive;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.enforce.SessionEvents;
import dev.lifeline.report.Faults;

import java.lang.ref.WeakReference;

/**
 * Lifeline's keepalive over one sshj connection, by reflection; weak, so a forgotten client is not kept. The tick
 * side ({@link #closed}, {@link #ready}, {@link #lastPacketNanos}) takes no lock sshj may hold while it writes: not
 * {@code isRunning()} (the close event's lock, held by {@code disconnect()} and {@code die()} while they send the
 * disconnect packet, which waits on a dead peer), not {@code getService()} (the transport's monitor); the reader
 * thread's life, the volatile {@code service} field and {@link SshjPacketClock} (a map lookup) instead.
 */
final class SshjKeepaliveLink implements ProbeKeepalive.Link {
    private final SshjApi api;
    private final SshjSessions.Client owner;
    /**
     * Found at attach: the connection and the transport (no {@code SSHClient} known). Null for a client's link, which
     * reads them from the client's final fields when it needs them: no two weak references per idle session (row 7).
     */
    private final WeakReference<Object> conn;
    private final WeakReference<Object> trans;

    SshjKeepaliveLink(SshjSessions.Client owner, Object client) throws Exception {
        this.api = SshjApi.of(client);
        this.owner = owner;
        this.conn = null;
        this.trans = null;
    }

    /** A connection found at attach: no {@code SSHClient} is known, its transport is what is registered. */
    SshjKeepaliveLink(SshjSessions.Client owner, Object conn, Object trans) {
        this.api = SshjApi.of(trans);
        this.owner = owner;
        this.conn = new WeakReference<Object>(conn);
        this.trans = new WeakReference<Object>(trans);
    }

    /** The transport, or null once the client (or the transport found at attach) is gone. */
    private Object trans() throws Exception {
        if (trans != null) {
            return trans.get();
        }
        Object client = owner.client.get();
        return client == null ? null : api.transport(client);
    }

    /** The connection, or null once the client (or the connection found at attach) is gone. */
    private Object conn() throws Exception {
        if (conn != null) {
            return conn.get();
        }
        Object client = owner.client.get();
        return client == null ? null : api.connection(client);
    }

    @Override
    public boolean closed() throws Exception {
        Object t = trans();
        if (t == null || owner.client.get() == null) {
            return true;
        }
        Object reader = api.reader(t);
        return !(reader instanceof Thread) || !((Thread) reader).isAlive();
    }

    /** What {@code KeepAliveRunner} checks: the connection is the transport's service (authenticated). */
    @Override
    public boolean ready() throws Exception {
        Object t = trans();
        Object c = conn();
        return t != null && c != null && api.service(t) == c;
    }

    @Override
    public void send() throws Exception {
        Object c = conn();
        if (c != null) {
            api.sendKeepalive(c); // the reply is a packet: TransportImpl.handle sets the clock the ticks read
        }
    }

    /** {@link SshjPacketClock}'s; without a clock (it failed to start) the peer counts as heard now: no false verdict. */
    @Override
    public long lastPacketNanos() throws Exception {
        long now = System.nanoTime();
        Object client = owner.client.get();
        return client == null ? now : SshjPacketClock.lastNanos(client, now);
    }

    /**
     * As {@code KeepAliveRunner}: the transport dies with a {@code ConnectionException} (every waiter gets it), on a
     * pool thread since {@code die()} writes a disconnect packet; then the socket is shut from the deadline thread,
     * which frees a writer stuck on the dead peer that would otherwise hold that packet.
     */
    @Override
    public void dead(long intervalMillis, int countMax, long silentMillis) {
        SessionEvents.declaredDead("sshj", owner.host, owner.port, intervalMillis, countMax, silentMillis,
                "transport killed by Lifeline, socket shut");
        Object transport;
        try {
            transport = trans();
        } catch (Throwable e) {
            transport = null;
            Faults.suppressed(e);
        }
        final Object t = transport;
        final String message = "Did not receive any packet for " + (silentMillis + 999) / 1000
                + " seconds, " + countMax + " keep-alive requests unanswered (Lifeline keepalive)";
        if (t != null) {
            Actions.run("sshj.keepalive.die", new Runnable() {
                @Override
                public void run() {
                    try {
                        api.die(t, api.connectionLost(message));
                    } catch (Throwable e) {
                        Faults.suppressed(e);
                    }
                }
            });
        }
        SshjSessions.unregister(owner.client.get()); // after the kill is queued: nothing the app waits for
        final WeakReference<Object> client = owner.client;
        if (t != null && client.get() == t) {
            return; // found at attach: no SSHClient known to read the socket from; die() closes the socket's streams
        }
        DeadlineScheduler.schedule("sshj.dead", 200, new Runnable() {
            @Override
            public void run() {
                Object live = client.get();
                if (live != null) {
                    SshjSockets.shut(live);
                }
            }
        });
    }
}
