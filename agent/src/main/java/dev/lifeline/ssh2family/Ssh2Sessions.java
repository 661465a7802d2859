package dev.lifeline.ssh2family;

import dev.lifeline.config.Policy;
import dev.lifeline.enforce.CloseDeadline;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.enforce.ProbeKeepalive;
import dev.lifeline.enforce.SessionEvents;
import dev.lifeline.enforce.Sockets;
import dev.lifeline.policy.Policies;
import dev.lifeline.policy.SessionPlan;
import dev.lifeline.policy.SessionPolicy;
import dev.lifeline.report.Faults;
import dev.lifeline.sessions.SshSessions;

import java.net.Socket;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connections of the family: the policy's decisions at {@code connect()}, the connect deadline until authentication,
 * the keepalive, and the close deadline. The family has no keepalive and no deadline over the whole handshake of its
 * own (the app's {@code kexTimeout} ends at the first key exchange; authentication has none), so Lifeline brings both.
 */
public final class Ssh2Sessions {
    /** Open connections, by the library's {@code Connection} (identity: the family keeps Object's equals). */
    static final ConcurrentHashMap<Object, Ssh2Connection> CONNECTIONS = new ConcurrentHashMap<Object, Ssh2Connection>();
    /** The same, by channel manager (made at authentication): where replies and channel data arrive. */
    static final ConcurrentHashMap<Object, Ssh2Connection> BY_MANAGER = new ConcurrentHashMap<Object, Ssh2Connection>();

    private Ssh2Sessions() {
    }

    /**
     * {@code Connection.connect(verifier, connectTimeout, [readTimeout,] kexTimeout)} entry, on the app's thread (which
     * holds the connection's monitor).
     *
     * @return the TCP connect timeout the library is to use
     */
    public static int connecting(Ssh2Library lib, Object connection, int connectTimeout, int kexTimeout) throws Exception {
        Faults.inject("Ssh2Sessions.connecting");
        Ssh2Api api = lib.api(connection);
        Ssh2Connection c = new Ssh2Connection(lib, connection, api.host(connection), api.port(connection));
        CONNECTIONS.put(connection, c); // before it is listed: a sweep in between would find it neither open nor connecting
        SshSessions.opened(connection, lib.name, c.host, c.port, lib.view);
        Policy policy = Policies.forHost(c.host, null, c.port);
        // the library has no keepalive; the app's bound over the handshake is its kexTimeout (connectTimeout is TCP's)
        SessionPlan plan = policy == null ? null : SessionPolicy.plan(lib.name, policy, 0, 0, Math.max(0, kexTimeout));
        if (plan == null) {
            return connectTimeout;
        }
        c.policy = plan.policy;
        c.plan = plan;
        armConnectDeadline(c);
        long tcp = plan.connectTimeoutMillis;
        if (tcp == SessionPlan.LEAVE || (connectTimeout > 0 && connectTimeout <= tcp)) {
            return connectTimeout;
        }
        return (int) Math.min(Integer.MAX_VALUE, tcp);
    }

    /** One deadline from {@code connect()} entry to the end of authentication: past it the socket is shut. */
    private static void armConnectDeadline(final Ssh2Connection c) {
        final SessionPlan plan = c.plan;
        if (plan.connectDeadlineMillis <= 0) {
            return;
        }
        c.connectDeadline = DeadlineScheduler.schedule(c.lib.name + ".connect", plan.connectDeadlineMillis, new Runnable() {
            @Override
            public void run() {
                Ssh2Api api = c.api();
                if (api.isAuthenticated(c.connection)) {
                    return; // authenticated in an unhooked way: the connect is over
                }
                String stage = c.connecting ? "connect" : "authentication";
                if (!plan.connectDeadlineEnforced) {
                    SessionEvents.connectDeadlinePassed(plan.policy, c.lib.name, plan.elapsedMillis(), stage, "none (audit)");
                    return;
                }
                Socket socket = api.socket(c.transport());
                c.connectDeadlineFired = true;
                if (SessionEvents.connectDeadlinePassed(plan.policy, c.lib.name, plan.elapsedMillis(), stage,
                        socket == null ? "none (socket not yet created)" : "socket closed")) {
                    Sockets.closeQuietly(socket);
                }
            }
        });
    }

    /** {@code connect(...)} returned or threw. */
    public static void connected(Ssh2Library lib, Object connection, Throwable thrown) throws Exception {
        Ssh2Connection c = CONNECTIONS.get(connection);
        if (c == null || c.connectThread != Thread.currentThread()) {
            return;
        }
        c.connecting = false;
        SessionPlan plan = c.plan;
        if (thrown != null) {
            forget(c);
            if (plan != null) {
                SessionEvents.connectFailed(plan, c.connectDeadlineFired, thrown);
            }
            return;
        }
        if (plan == null) {
            return;
        }
        Ssh2Api api = lib.api(connection);
        SessionEvents.tcpKeepalive(plan, api.socket(api.transport(connection)));
        if (plan.setsKeepalive()) {
            c.link = new Ssh2Keepalive(c);
            c.keepalive = ProbeKeepalive.start(lib.name, plan.keepaliveIntervalMillis, plan.keepaliveCountMax, c.link);
        }
        SessionEvents.configured(plan);
    }

    /** An {@code authenticateWith...} call returned or threw: once authenticated, the connect deadline is over. */
    public static void authenticationEnded(Object connection, Throwable thrown) {
        Ssh2Connection c = CONNECTIONS.get(connection);
        if (c == null) {
            return;
        }
        Ssh2Api api = c.api();
        if (api.isAuthenticated(connection)) {
            c.connectOver();
            manager(c);
        } else if (thrown != null && c.connectDeadlineFired && c.plan != null) {
            SessionEvents.connectFailed(c.plan, true, thrown);
        }
    }

    /** The connection's channel manager, registered where replies and data will name it. */
    static Object manager(Ssh2Connection c) {
        if (c.foundTransport != null) {
            return c.manager; // found with it; the app's Connection is not known
        }
        Object cm = c.api().channelManager(c.connection);
        if (cm != null && c.manager != cm) {
            c.manager = cm;
            BY_MANAGER.put(cm, c);
        }
        return cm;
    }

    /** {@code Connection.close()} entry: keepalive stopped; {@code close.timeout} over the close (it writes to the peer). */
    public static Object closing(Object connection) throws Exception {
        Faults.inject("Ssh2Sessions.closing");
        final Ssh2Connection c = connectionOrFound(connection);
        if (c == null) {
            return null;
        }
        c.stopKeepalive();
        c.cancelConnectDeadline();
        return CloseDeadline.arm("connection.close", c.policy(), c.lib.name, new Runnable() {
            @Override
            public void run() {
                shut(c);
            }
        });
    }

    public static void closed(Object closeDeadline, Object connection) {
        Ssh2Connection c = CONNECTIONS.get(connection);
        if (c != null) {
            forget(c);
        }
        SshSessions.closed(connection);
        if (closeDeadline instanceof DeadlineScheduler.Deadline) {
            CloseDeadline.disarm((DeadlineScheduler.Deadline) closeDeadline);
        }
    }

    /** The connection is over (closed by the app, a failed connect, or its transport found ended): let go of it. */
    static void forget(Ssh2Connection c) {
        c.stopKeepalive();
        c.cancelConnectDeadline();
        CONNECTIONS.remove(c.connection, c);
        Object app = c.appConnection;
        if (app != null) {
            CONNECTIONS.remove(app, c);
        }
        Object cm = c.manager; // close() has already dropped the library's own reference to it
        if (cm != null) {
            BY_MANAGER.remove(cm, c);
        }
        SshSessions.closed(c.connection);
    }

    /** Shuts the connection's socket: every read, write and lock wait on the connection ends with an error. */
    static void shut(Ssh2Connection c) {
        Sockets.closeQuietly(c.api().socket(c.transport()));
    }

    /**
     * The connection an app's {@code Connection} names: one seen connecting, or one found at attach by the transport
     * this {@code Connection} holds (from then on listed under both, so {@code closed} finds it once the library has
     * dropped the transport).
     */
    private static Ssh2Connection connectionOrFound(Object connection) {
        Ssh2Connection c = CONNECTIONS.get(connection);
        if (c != null) {
            return c;
        }
        Ssh2Library lib = Ssh2Library.of(connection);
        Object tm = lib == null ? null : lib.api(connection).transport(connection);
        c = tm == null ? null : CONNECTIONS.get(tm);
        if (c == null || c.foundTransport != tm) {
            return null;
        }
        c.appConnection = connection;
        CONNECTIONS.put(connection, c);
        return c;
    }

    /**
     * A connection found at attach (issue 24): listed under its transport, and under its channel manager where replies
     * and channel data arrive. A connection an earlier attach found (in audit: nothing set then) is replaced.
     */
    static void found(Ssh2Connection c) {
        Ssh2Connection earlier = CONNECTIONS.put(c.connection, c);
        if (earlier != null && earlier != c) {
            earlier.stopKeepalive();
        }
        BY_MANAGER.put(c.manager, c);
    }

    /** Whether a transport is that of a connection seen connecting (opened under the agent): not one to adopt. */
    static boolean seenConnecting(Object transport) {
        for (Ssh2Connection c : CONNECTIONS.values()) {
            if (c.foundTransport == null && c.transport() == transport) {
                return true;
            }
        }
        return false;
    }

    static Ssh2Connection of(Object connection) {
        return CONNECTIONS.get(connection);
    }

    static boolean isConnecting(Object connection) {
        Ssh2Connection c = CONNECTIONS.get(connection);
        return c != null && c.connecting;
    }
}
