package dev.lifeline.ssh2family;

import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.enforce.ProbeKeepalive;
import dev.lifeline.policy.SessionPlan;

/**
 * What Lifeline keeps for one {@code Connection} of the family, from {@code connect()} to {@code close()}: the plan,
 * the connect deadline (over TCP, key exchange and authentication), the keepalive. The library's own fields are read
 * through {@link Ssh2Api}; its {@code synchronized} methods are never called from Lifeline's threads (an app thread
 * blocked inside one holds the connection's monitor).
 */
final class Ssh2Connection {
    final Ssh2Library lib;
    final Object connection;
    final String host;
    final int port;
    final Thread connectThread = Thread.currentThread();
    volatile SessionPlan plan;
    volatile DeadlineScheduler.Deadline connectDeadline;
    volatile boolean connectDeadlineFired;
    volatile boolean connecting = true;
    volatile ProbeKeepalive keepalive;
    volatile Ssh2Keepalive link;
    /** The channel manager, once authentication made it. */
    volatile Object manager;

    Ssh2Connection(Ssh2Library lib, Object connection, String host, int port) {
        this.lib = lib;
        this.connection = connection;
        this.host = host;
        this.port = port;
    }

    Ssh2Api api() {
        return lib.api(connection);
    }

    void cancelConnectDeadline() {
        DeadlineScheduler.Deadline d = connectDeadline;
        if (d != null) {
            d.cancel();
        }
    }

    void stopKeepalive() {
        ProbeKeepalive k = keepalive;
        if (k != null) {
            k.stop();
        }
    }
}
