package dev.lifeline.ssh2family;

import dev.lifeline.config.Policy;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.enforce.ProbeKeepalive;
import dev.lifeline.policy.Policies;
import dev.lifeline.policy.SessionPlan;

/**
 * What Lifeline keeps for one {@code Connection} of the family, from {@code connect()} to {@code close()}: the plan,
 * the connect deadline (over TCP, key exchange and authentication), the keepalive. The library's own fields are read
 * through {@link Ssh2Api}; its {@code synchronized} methods are never called from Lifeline's threads (an app thread
 * blocked inside one holds the connection's monitor). A connection found at attach ({@link Ssh2Found}) is known by its
 * transport, since nothing in the library leads back to the app's {@code Connection}.
 */
final class Ssh2Connection {
    final Ssh2Library lib;
    /** The key it is listed under: the app's {@code Connection}, or the transport of one found at attach. */
    final Object connection;
    /** Found at attach: its transport (also {@link #connection}); null for a connection seen connecting. */
    final Object foundTransport;
    /** Found at attach, then named by the app's {@code close()}: listed under that {@code Connection} too. */
    volatile Object appConnection;
    final String host;
    final int port;
    final Thread connectThread = Thread.currentThread();
    /**
     * The plan, until authentication ends the connect: then only its policy is kept ({@link #policy}), not the plan's
     * record of what was set nor the connect deadline (row 7: about 300 bytes per idle connection).
     */
    volatile SessionPlan plan;
    /** The plan's policy, for the rest of the connection's life; null when Lifeline made no plan (inactive, mode off). */
    volatile Policy policy;
    volatile DeadlineScheduler.Deadline connectDeadline;
    volatile boolean connectDeadlineFired;
    volatile boolean connecting = true;
    volatile ProbeKeepalive keepalive;
    volatile Ssh2Keepalive link;
    /** The channel manager, once authentication made it. */
    volatile Object manager;

    Ssh2Connection(Ssh2Library lib, Object connection, String host, int port) {
        this(lib, connection, null, host, port);
    }

    private Ssh2Connection(Ssh2Library lib, Object connection, Object foundTransport, String host, int port) {
        this.lib = lib;
        this.connection = connection;
        this.foundTransport = foundTransport;
        this.host = host;
        this.port = port;
    }

    /** A connection found at attach, authenticated (its channel manager exists): known by its transport. */
    static Ssh2Connection found(Ssh2Library lib, Object transport, Object manager, String host, int port) {
        Ssh2Connection c = new Ssh2Connection(lib, transport, transport, host, port);
        c.connecting = false;
        c.manager = manager;
        return c;
    }

    Ssh2Api api() {
        return lib.api(connection);
    }

    /** The transport: null before {@code connect()} and after {@code close()} (one found at attach keeps its own). */
    Object transport() {
        return foundTransport != null ? foundTransport : api().transport(connection);
    }

    boolean isAuthenticated() {
        return foundTransport != null || api().isAuthenticated(connection);
    }

    void cancelConnectDeadline() {
        DeadlineScheduler.Deadline d = connectDeadline;
        if (d != null) {
            d.cancel();
        }
    }

    /** Authenticated: the connect is over, so is what only it needed (the plan, the deadline); the policy stays. */
    void connectOver() {
        cancelConnectDeadline();
        connectDeadline = null;
        plan = null;
    }

    /** The policy the connection was planned under, else its host's now. */
    Policy policy() {
        Policy p = policy;
        return p != null ? p : Policies.forHost(host, null, port);
    }

    void stopKeepalive() {
        ProbeKeepalive k = keepalive;
        if (k != null) {
            k.stop();
        }
    }
}
