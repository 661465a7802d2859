package dev.lifeline.sshj;

import java.util.concurrent.ConcurrentHashMap;

/**
 * When each sshj connection last received a packet from its peer, for "last packet from peer" and
 * {@code OldestIdleSeconds}: sshj keeps no such clock, so {@code TransportImpl.handle} (every packet the reader thread
 * decodes, keepalive replies included) sets it. Keyed by the transport, which the hook sees (identity: sshj keeps
 * Object's equals); started when the connect returns, dropped when the registry drops the client, so nothing
 * outlives the connection.
 */
final class SshjPacketClock {
    private static final ConcurrentHashMap<Object, Clock> BY_TRANSPORT = new ConcurrentHashMap<Object, Clock>();

    private SshjPacketClock() {
    }

    private static final class Clock {
        /** {@link System#nanoTime()}: the clock every library's packets are stamped with (SshSessions.packet). */
        volatile long nanos = System.nanoTime();
    }

    /** The connect returned: the client is listed, its transport's clock starts now (key exchange was its last packet). */
    static void connected(Object client) throws Exception {
        Object trans = SshjApi.of(client).transport(client);
        if (trans != null) {
            BY_TRANSPORT.put(trans, new Clock());
        }
    }

    /** A connection found at attach (issue 24), registered by its transport: its clock starts now. */
    static void foundAtAttach(Object trans) {
        BY_TRANSPORT.putIfAbsent(trans, new Clock());
    }

    /** Every packet: one map lookup and a volatile write. */
    static void packet(Object trans) {
        Clock c = BY_TRANSPORT.get(trans);
        if (c != null) {
            c.nanos = System.nanoTime();
        }
    }

    /** The client's last packet (nanoTime), or {@code fallback} when its clock is not running. */
    static long lastNanos(Object client, long fallback) throws Exception {
        if (BY_TRANSPORT.isEmpty()) {
            return fallback;
        }
        Clock own = BY_TRANSPORT.get(client); // a connection found at attach is registered by its transport
        if (own != null) {
            return own.nanos;
        }
        Object trans = SshjApi.of(client).transport(client);
        Clock c = trans == null ? null : BY_TRANSPORT.get(trans);
        return c == null ? fallback : c.nanos;
    }

    /** The client left the registry (disconnect, dead peer, or the sweep found its transport ended): the clock goes. */
    static void forget(Object client) {
        if (client == null || BY_TRANSPORT.isEmpty() || BY_TRANSPORT.remove(client) != null) {
            return; // (a transport: a connection found at attach)
        }
        try {
            Object trans = SshjApi.of(client).transport(client);
            if (trans != null) {
                BY_TRANSPORT.remove(trans);
            }
        } catch (Throwable ignored) {
            // no transport: no clock was started either
        }
    }
}
