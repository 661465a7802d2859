package dev.lifeline.ssh2family;

import dev.lifeline.enforce.Actions;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.enforce.ProbeKeepalive;
import dev.lifeline.enforce.SessionEvents;
import dev.lifeline.sessions.SshSessions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@link ProbeKeepalive} over one connection of the family, which has no keepalive (Trilead's {@code ping()} blocks
 * its caller for the reply while holding the connection's monitor, and Ganymed 262 has none). The probe is OpenSSH's
 * own: a global request {@code keepalive@openssh.com} with want-reply, written with the library's
 * {@code sendMessage} (on {@code Actions}: it may block). Replies come in order; the library counts each in a field
 * its own global requests ({@code requestRemotePortForwarding}, {@code ping()}) wait on, so the reply hook takes
 * back the count of a reply to a probe before the library adds it ({@link #replyArriving}), under the same lock.
 * Counting is OpenSSH's ({@link ProbeKeepalive}): any packet from the peer the module sees (channel data, a global
 * reply) resets it, so a probe goes out only after a silent interval. A caveat: a failed app request sent before a probe and answered after it would be taken for the probe's reply.
 */
final class Ssh2Keepalive implements ProbeKeepalive.Link {
    /** SSH_MSG_GLOBAL_REQUEST, string "keepalive@openssh.com", want-reply true (RFC 4254 4). */
    private static final byte[] PROBE = probe("keepalive@openssh.com");

    private final Ssh2Connection c;
    /** Guarded by this: probes written, and replies to them seen. */
    private long sent;
    private long answered;

    Ssh2Keepalive(Ssh2Connection c) {
        this.c = c;
    }

    private static byte[] probe(String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        byte[] m = new byte[1 + 4 + n.length + 1];
        m[0] = 80;
        m[4] = (byte) n.length;
        System.arraycopy(n, 0, m, 5, n.length);
        m[m.length - 1] = 1;
        return m;
    }

    /** Ended: its entry goes too, for an app that never calls {@code close()} on a connection that died. */
    @Override
    public boolean closed() {
        Object tm = c.transport();
        boolean closed = tm == null || c.api().transportClosed(tm);
        if (closed) {
            Ssh2Sessions.forget(c);
        }
        return closed;
    }

    /** Global requests belong to the connection protocol: after authentication. */
    @Override
    public boolean ready() {
        return c.isAuthenticated() && Ssh2Sessions.manager(c) != null;
    }

    /** Stamped by the module's hooks on channel data and global replies ({@code SshSessions.packet}). */
    @Override
    public long lastPacketNanos() {
        long t = SshSessions.lastPacketNanos(c.connection);
        return t == 0 ? System.nanoTime() : t; // not listed: nothing known against the peer
    }

    @Override
    public void send() throws Exception {
        Ssh2Api api = c.api();
        Object tm = c.transport();
        if (tm == null) {
            return;
        }
        synchronized (this) {
            ++sent;
        }
        try {
            api.send(tm, PROBE.clone());
        } catch (Exception e) {
            synchronized (this) {
                sent--; // never reached the peer: no reply to take back
            }
            throw e;
        }
    }

    synchronized int outstanding() {
        return (int) (sent - answered);
    }

    /**
     * A global request reply arrives (on the library's receive thread, before the library counts it): when a probe
     * waits for one, it is the probe's, and its count is taken back first.
     */
    void replyArriving(Object manager, boolean success) throws Exception {
        SshSessions.packet(c.connection); // a packet from the peer, whoever's reply it is
        synchronized (this) {
            if (answered >= sent) {
                return; // the app's own request
            }
            answered++;
        }
        Ssh2Api api = c.api();
        Object lock = api.repliesLock(manager);
        if (lock != null) {
            synchronized (lock) {
                api.uncountReply(manager, success);
            }
        }
    }

    /** On the deadline thread: logged and counted, the transport closed on {@code Actions}, the socket shut 200 ms on. */
    @Override
    public void dead(long intervalMillis, int countMax, long silentMillis) {
        SessionEvents.declaredDead(c.lib.name, c.host, c.port, intervalMillis, countMax, silentMillis,
                "connection closed, its channels and blocked reads failed");
        final IOException cause = new IOException("Lifeline: nothing from the peer for " + silentMillis + " ms ("
                + countMax + " keepalives every " + intervalMillis + " ms unanswered): peer declared dead");
        Actions.run(c.lib.name + ".keepalive.close", new Runnable() {
            @Override
            public void run() {
                Ssh2Api api = c.api();
                Object tm = c.transport();
                if (tm != null) {
                    try {
                        api.closeTransport(tm, cause);
                    } catch (Exception ignored) {
                        // the socket shut below ends it
                    }
                }
            }
        });
        DeadlineScheduler.schedule(c.lib.name + ".keepalive.shut", 200, new Runnable() {
            @Override
            public void run() {
                Ssh2Sessions.shut(c);
            }
        });
    }
}
