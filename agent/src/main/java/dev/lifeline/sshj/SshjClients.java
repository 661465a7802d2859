package dev.lifeline.sshj;

import dev.lifeline.enforce.SessionEvents;
import dev.lifeline.config.Policy;
import dev.lifeline.enforce.Actions;
import dev.lifeline.enforce.CloseDeadline;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.policy.Policies;
import dev.lifeline.policy.SessionPlan;
import dev.lifeline.policy.SessionPolicy;
import dev.lifeline.report.Faults;
import dev.lifeline.sessions.SshSessions;

import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.locks.Lock;

/**
 * sshj clients: the policy's decisions written into sshj's knobs, the connect deadline, the close deadline, and sshj's
 * keepalive verdict read back.
 *
 * <p>sshj's keepalive is a thread per connection, chosen by the {@code Config}'s {@code KeepAliveProvider} when the
 * {@code SSHClient} is built: {@code HEARTBEAT} (the default: an ignore packet every interval, no reply expected, so
 * it never notices a dead peer) or {@code KEEP_ALIVE} ({@code KeepAliveRunner}: a want-reply global request every
 * interval, and after {@code maxAliveCount} unanswered it kills the transport). When Lifeline sets keepalive on a
 * connection whose app set none (interval 0), sshj's keepalive object is left at 0, so its thread never starts, and
 * {@link SshjKeepalive} does the runner's work on Lifeline's deadline thread: no thread per connection. When the app
 * set its own interval and the policy overrides it ({@code enforce}), sshj's thread is already the app's: a
 * {@code KeepAliveRunner} replaces a heartbeater and gets the policy's interval and count, as before.
 */
final class SshjClients {
    /** The client behind each {@code ConnectionImpl}, for channel and keepalive hooks; weak both ways. */
    private static final Map<Object, Client> BY_CONN = Collections.synchronizedMap(new WeakHashMap<Object, Client>());
    /** Connects under way (connect entry to the end of authentication), per client. */
    private static final Map<Object, Connect> CONNECTING = Collections.synchronizedMap(new WeakHashMap<Object, Connect>());

    private SshjClients() {
    }

    /** Where one client connects: enough to find its policy and its socket again. */
    static final class Client {
        final WeakReference<Object> client;
        final String host;
        final InetAddress address;
        final int port;
        /** Lifeline's keepalive on this connection, once connected; null when sshj's own (or none) runs. */
        volatile SshjKeepalive keepalive;
        /** {@code connectVia}: the channel of another connection that carries this one (no socket); else null. */
        volatile WeakReference<Object> carrier;

        Client(Object client, String host, InetAddress address, int port) {
            this.client = new WeakReference<Object>(client);
            this.host = host;
            this.address = address;
            this.port = port;
        }

        Policy policy() {
            return Policies.forHost(host, address, port);
        }

        Socket socket() {
            Object c = client.get();
            return c == null ? null : socketOf(c);
        }
    }

    /** One connect: its plan and the watchdog over TCP + key exchange + authentication. */
    static final class Connect {
        final SessionPlan plan;
        final Thread thread = Thread.currentThread();
        final WeakReference<Object> client;
        volatile DeadlineScheduler.Deadline watchdog;
        volatile boolean watchdogFired;
        volatile boolean inConnect = true;
        volatile boolean inAuth;
        /** Lifeline ticks this connection's keepalive once connected (the app set no interval). */
        boolean ownKeepalive;
        Client owner;

        Connect(SessionPlan plan, Object client) {
            this.plan = plan;
            this.client = new WeakReference<Object>(client);
        }

        void end() {
            DeadlineScheduler.Deadline w = watchdog;
            if (w != null) {
                w.cancel();
            }
            Object c = client.get();
            if (c != null) {
                CONNECTING.remove(c);
            }
        }
    }

    static Client clientOfConnection(Object conn) {
        return conn == null ? null : BY_CONN.get(conn);
    }

    /** The host as the app named it: its string, or an address's literal (no reverse lookup). */
    static String hostAsGiven(Object host) {
        return host instanceof InetAddress ? ((InetAddress) host).getHostAddress() : String.valueOf(host);
    }

    static Object connectionOf(Object client) throws Exception {
        return SshjApi.get(client, "conn");
    }

    static Connect connecting(Object client, Object hostArg, int port) throws Exception {
        return connecting(client, hostArg, port, null);
    }

    /** @param carrier for {@code connectVia}: the channel the connection runs in; null for a socket of its own */
    static Connect connecting(Object client, Object hostArg, int port, Object carrier) throws Exception {
        Faults.inject("SshjClients.connecting");
        Connect running = CONNECTING.get(client);
        if (running != null && running.thread == Thread.currentThread() && running.inConnect) {
            return null; // a connect variant delegating to another: the outer call owns the connect
        }
        String host;
        InetAddress address = null;
        if (hostArg instanceof InetAddress) {
            address = (InetAddress) hostArg;
            host = address.getHostAddress();
        } else if (hostArg instanceof String) {
            host = (String) hostArg;
        } else {
            return null; // connect(null, port): sshj resolves it to localhost and calls the InetAddress variant
        }
        Policy policy = Policies.forHost(host, address, port);
        if (policy == null) {
            return null;
        }
        Object conn = connectionOf(client);
        Client previous = BY_CONN.get(conn);
        if (previous != null && previous.keepalive != null) {
            previous.keepalive.stop(); // connected again with the same client
        }
        Client owner = new Client(client, host, address, port);
        if (carrier != null) {
            owner.carrier = new WeakReference<Object>(carrier);
        }
        BY_CONN.put(conn, owner);
        Object keepAlive = SshjApi.call(conn, "getKeepAlive");
        boolean runner = isRunner(keepAlive);
        int appSeconds = SshjApi.callInt(keepAlive, "getKeepAliveInterval");
        int appCount = runner && appSeconds > 0 ? SshjApi.callInt(keepAlive, "getMaxAliveCount") : 0;
        int appConnect = SshjApi.callInt(client, "getConnectTimeout");
        // sshj has no knob over the whole connect: setConnectTimeout bounds the TCP connect only, the banner read has no
        // timeout, so the deadline is never the app's to have set (as for MINA); the app's TCP timeout stays in force
        SessionPlan plan = SessionPolicy.plan("sshj", policy, appSeconds * 1000L, appCount, 0);
        if (plan == null) {
            return null;
        }
        boolean own = false;
        if (plan.setsKeepalive() && appSeconds <= 0) {
            own = true; // sshj's keepalive stays at interval 0 (its thread never starts); Lifeline's ticks start once connected
        } else if (plan.setsKeepalive()) {
            try {
                if (!runner) {
                    keepAlive = replaceWithRunner(conn, keepAlive);
                }
                SshjApi.call(keepAlive, "setMaxAliveCount", plan.keepaliveCountMax);
                int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (plan.keepaliveIntervalMillis + 999) / 1000));
                SshjApi.call(keepAlive, "setKeepAliveInterval", seconds);
            } catch (Exception e) {
                plan.failed(e);
            }
        }
        if (plan.connectTimeoutMillis != SessionPlan.LEAVE && appConnect <= 0) {
            SshjApi.call(client, "setConnectTimeout", (int) Math.min(Integer.MAX_VALUE, plan.connectTimeoutMillis));
        }
        Connect connect = new Connect(plan, client);
        connect.ownKeepalive = own;
        connect.owner = owner;
        Connect old = CONNECTING.put(client, connect);
        if (old != null) {
            old.end();
            CONNECTING.put(client, connect);
        }
        startWatchdog(connect);
        return connect;
    }

    private static boolean isRunner(Object keepAlive) {
        for (Class<?> c = keepAlive.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals("net.schmizz.keepalive.KeepAliveRunner")) {
                return true;
            }
        }
        return false;
    }

    /**
     * sshj picks the keepalive kind when the client is built ({@code Config.getKeepAliveProvider()}): a
     * {@code KEEP_ALIVE} runner is made for the connection and put in its final {@code keepAlive} field, which
     * everything in sshj reads through ({@code getKeepAlive()}).
     */
    private static Object replaceWithRunner(Object conn, Object old) throws Exception {
        ClassLoader loader = conn.getClass().getClassLoader();
        Class<?> provider = Class.forName("net.schmizz.keepalive.KeepAliveProvider", false, loader);
        Object keepAliveProvider = provider.getField("KEEP_ALIVE").get(null);
        Class<?> connImpl = Class.forName("net.schmizz.sshj.connection.ConnectionImpl", false, loader);
        Object runner = provider.getMethod("provide", connImpl).invoke(keepAliveProvider, conn);
        Field f = SshjApi.field(conn.getClass(), "keepAlive");
        if (f == null) {
            throw new NoSuchFieldException("ConnectionImpl.keepAlive");
        }
        f.set(conn, runner);
        if (old instanceof Thread && ((Thread) old).getState() != Thread.State.NEW) {
            ((Thread) old).interrupt(); // 0.27 starts the thread when the app sets an interval
        }
        return runner;
    }

    /** sshj bounds only the TCP connect (and by default not even that); its banner read waits forever. */
    private static void startWatchdog(final Connect connect) {
        final SessionPlan plan = connect.plan;
        if (plan.connectDeadlineMillis <= 0) {
            return;
        }
        connect.watchdog = DeadlineScheduler.schedule("sshj.connect", plan.connectDeadlineMillis, new Runnable() {
            @Override
            public void run() {
                Object client = connect.client.get();
                if (client == null || !(connect.inConnect || connect.inAuth)) {
                    return; // connected, and the app is not authenticating now: nothing is waiting
                }
                String stage = connect.inConnect ? "connect" : "auth";
                if (!plan.connectDeadlineEnforced) {
                    SessionEvents.connectDeadlinePassed(plan.policy, "sshj", plan.elapsedMillis(), stage, "none (audit)");
                    return;
                }
                connect.watchdogFired = true;
                Object carrier = carrierOf(connect.owner);
                if (carrier != null) {
                    if (SessionEvents.connectDeadlinePassed(plan.policy, "sshj", plan.elapsedMillis(), stage,
                            "carrying channel closed")) {
                        shut(client);
                    }
                    return;
                }
                Socket socket = socketOf(client);
                if (SessionEvents.connectDeadlinePassed(plan.policy, "sshj", plan.elapsedMillis(), stage,
                        socket == null ? "none (socket not yet created)" : "socket closed")) {
                    closeQuietly(socket);
                }
            }
        });
    }

    static void connected(Object state, Object client, Throwable thrown) throws Exception {
        if (!(state instanceof Connect)) {
            return;
        }
        Connect connect = (Connect) state;
        connect.inConnect = false;
        Faults.inject("SshjClients.connected");
        SessionPlan plan = connect.plan;
        if (thrown != null) {
            connect.end();
            SessionEvents.connectFailed(plan, connect.watchdogFired, thrown);
            return;
        }
        SessionEvents.tcpKeepalive(plan, socketOf(client));
        if (connect.ownKeepalive) {
            try {
                connect.owner.keepalive = SshjKeepalive.start(plan.keepaliveIntervalMillis, plan.keepaliveCountMax,
                        new Link(connect.owner, client));
            } catch (Exception e) {
                plan.failed(e);
            }
        }
        SessionEvents.configured(plan);
    }

    /**
     * Lifeline's keepalive over one sshj connection, by reflection; weak, so a forgotten client is not kept. The tick
     * side ({@link #closed}, {@link #ready}, {@link #answered}) takes no lock sshj may hold while it writes: not
     * {@code isRunning()} (the close event's lock, held by {@code disconnect()} and {@code die()} while they send the
     * disconnect packet, which waits on a dead peer), not {@code getService()} (the transport's monitor); the reader
     * thread's life, the volatile {@code service} field and the promise's lock taken with {@code tryLock} instead.
     */
    static final class Link implements SshjKeepalive.Link {
        private final Client owner;
        private final WeakReference<Object> conn;
        private final WeakReference<Object> trans;

        Link(Client owner, Object client) throws Exception {
            this.owner = owner;
            this.conn = new WeakReference<Object>(connectionOf(client));
            this.trans = new WeakReference<Object>(SshjApi.get(client, "trans"));
        }

        @Override
        public boolean closed() throws Exception {
            Object t = trans.get();
            if (t == null || owner.client.get() == null) {
                return true;
            }
            Object reader = SshjApi.get(t, "reader");
            return !(reader instanceof Thread) || !((Thread) reader).isAlive();
        }

        /** What {@code KeepAliveRunner} checks: the connection is the transport's service (authenticated). */
        @Override
        public boolean ready() throws Exception {
            Object t = trans.get();
            Object c = conn.get();
            return t != null && c != null && SshjApi.get(t, "service") == c;
        }

        @Override
        public Object send() throws Exception {
            Object c = conn.get();
            return c == null ? null : SshjApi.call(c, "sendGlobalRequest", "keepalive@openssh.com", Boolean.TRUE, new byte[0]);
        }

        @Override
        public boolean answered(Object promise) throws Exception {
            Object lock = SshjApi.get(promise, "lock");
            if (!(lock instanceof Lock) || !((Lock) lock).tryLock()) {
                return false; // being delivered right now: read at the next tick
            }
            try {
                return Boolean.TRUE.equals(SshjApi.call(promise, "isFulfilled"));
            } finally {
                ((Lock) lock).unlock();
            }
        }

        /**
         * As {@code KeepAliveRunner}: the transport dies with a {@code ConnectionException} (every waiter gets it), on a
         * pool thread since {@code die()} writes a disconnect packet; then the socket is shut from the deadline thread,
         * which frees a writer stuck on the dead peer that would otherwise hold that packet.
         */
        @Override
        public void dead(long intervalMillis, int countMax) {
            SessionEvents.declaredDead("sshj", owner.host, owner.port, intervalMillis, countMax,
                    "transport killed by Lifeline, socket shut");
            SshSessions.closed(owner.client.get());
            final Object t = trans.get();
            final String message = "Did not receive any keep-alive response for "
                    + (intervalMillis * countMax + 999) / 1000 + " seconds (Lifeline keepalive)";
            if (t != null) {
                Actions.run("sshj.keepalive.die", new Runnable() {
                    @Override
                    public void run() {
                        try {
                            SshjApi.call(t, "die", connectionLost(t, message));
                        } catch (Throwable e) {
                            Faults.suppressed(e);
                        }
                    }
                });
            }
            final WeakReference<Object> client = owner.client;
            DeadlineScheduler.schedule("sshj.dead", 200, new Runnable() {
                @Override
                public void run() {
                    Object live = client.get();
                    if (live != null) {
                        shut(live);
                    }
                }
            });
        }
    }

    /** sshj's {@code ConnectionException(DisconnectReason.CONNECTION_LOST, message)}, in the transport's loader. */
    static Exception connectionLost(Object trans, String message) throws Exception {
        ClassLoader loader = trans.getClass().getClassLoader();
        Class<?> reason = Class.forName("net.schmizz.sshj.common.DisconnectReason", false, loader);
        Object lost = reason.getField("CONNECTION_LOST").get(null);
        return (Exception) Class.forName("net.schmizz.sshj.connection.ConnectionException", false, loader)
                .getConstructor(reason, String.class).newInstance(lost, message);
    }

    static Object authStarting(Object client) {
        Connect connect = CONNECTING.get(client);
        if (connect == null || connect.inAuth) {
            return null;
        }
        connect.inAuth = true;
        return connect;
    }

    static void authEnded(Object state, Throwable thrown) {
        if (!(state instanceof Connect)) {
            return;
        }
        Connect connect = (Connect) state;
        connect.inAuth = false;
        Faults.inject("SshjClients.authEnded");
        if (thrown == null) {
            connect.end();
        } else if (connect.watchdogFired) {
            connect.end();
            SessionEvents.connectFailed(connect.plan, true, thrown);
        }
        // a failed method with time left: the app may try another, still under the deadline
    }

    /** A keepalive check threw: {@code maxAliveCount} keepalives unanswered, sshj kills the transport. */
    static void declaredDead(Object runner) throws Exception {
        Faults.inject("SshjClients.declaredDead");
        final Client c = clientOfConnection(SshjApi.get(runner, "conn"));
        if (c == null) {
            return; // a connection Lifeline leaves alone (mode off for its host): the app's own keepalive, not ours to log
        }
        int interval = SshjApi.callInt(runner, "getKeepAliveInterval");
        int count = SshjApi.callInt(runner, "getMaxAliveCount");
        SessionEvents.declaredDead("sshj", c.host, c.port, interval * 1000L, count, "transport killed by sshj, socket shut");
        SshSessions.closed(c.client.get());
        // sshj's die() first (its error reaches every waiter); then the socket, which frees a writer stuck on the dead
        // peer that would otherwise hold die()'s disconnect packet
        DeadlineScheduler.schedule("sshj.dead", 200, new Runnable() {
            @Override
            public void run() {
                Object live = c.client.get();
                if (live != null) {
                    shut(live);
                }
            }
        });
    }

    static DeadlineScheduler.Deadline disconnecting(final Object client) throws Exception {
        Faults.inject("SshjClients.disconnecting");
        Connect connect = CONNECTING.get(client);
        if (connect != null) {
            connect.end();
        }
        Client c = clientOfConnection(connectionOf(client));
        if (c == null) {
            return null;
        }
        SshjKeepalive k = c.keepalive;
        if (k != null) {
            k.stop();
        }
        final WeakReference<Object> ref = new WeakReference<Object>(client);
        return CloseDeadline.arm("client.disconnect", c.policy(), "sshj", new Runnable() {
            @Override
            public void run() {
                Object live = ref.get();
                if (live != null) {
                    shut(live);
                }
            }
        });
    }

    static void disconnected(Object closeDeadline) {
        Faults.inject("SshjClients.disconnected");
        if (closeDeadline instanceof DeadlineScheduler.Deadline) {
            CloseDeadline.disarm((DeadlineScheduler.Deadline) closeDeadline);
        }
    }

    /** The client's own socket, from its field: set before the TCP connect starts, so a watchdog can abort that too. */
    static Socket socketOf(Object client) {
        try {
            Object s = SshjApi.get(client, "socket");
            return s instanceof Socket ? (Socket) s : null;
        } catch (Throwable t) {
            return null;
        }
    }

    /**
     * Shuts the client's socket, wakes writers waiting for window space, then fails a key exchange wait: a rekey the server began just before the peer vanished
     * makes every transport write (the disconnect packet included, under the transport's close lock) wait for the
     * exchange to finish, for sshj's 30 s timeout, and the reader's death cannot say so while that lock is held.
     */
    static void shut(Object client) {
        closeQuietly(socketOf(client));
        try {
            Object carrier = carrierOf(clientOfConnection(connectionOf(client)));
            if (carrier != null) {
                closeCarrier(carrier);
            }
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
        wakeWindowWaits(client);
        try {
            Object trans = SshjApi.get(client, "trans");
            Object kexer = trans == null ? null : SshjApi.get(trans, "kexer");
            if (kexer != null) {
                Object error = Class.forName("net.schmizz.sshj.transport.TransportException", false,
                        kexer.getClass().getClassLoader()).getConstructor(String.class)
                        .newInstance("socket shut by Lifeline");
                SshjApi.call(kexer, "notifyError", error);
            }
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /**
     * A writer whose channel's send window is used up waits in {@code Window.Remote.awaitExpansion} (30 s) holding
     * the channel's output stream, and {@code disconnect()} waits for that stream to hand it the error. With the socket
     * shut, an expanded window only lets each writer reach the socket, which fails it at once.
     */
    private static void wakeWindowWaits(Object client) {
        try {
            Object conn = connectionOf(client);
            Object channels = conn == null ? null : SshjApi.get(conn, "channels");
            if (!(channels instanceof Map)) {
                return;
            }
            for (Object channel : ((Map<?, ?>) channels).values().toArray()) {
                Object window = SshjApi.get(channel, "rwin");
                if (window != null) {
                    SshjApi.call(window, "expand", 1L << 40);
                }
            }
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    private static Object carrierOf(Client c) {
        WeakReference<Object> ref = c == null ? null : c.carrier;
        return ref == null ? null : ref.get();
    }

    /**
     * A tunnelled connection's "socket close". First the channel's input fails locally (what the tunnelled transport's
     * reader or a banner read waits on: they wake at once, whatever the jump host does); then the channel is closed (a
     * {@code CHANNEL_CLOSE}, so a live jump host frees it; on a dead one sshj waits for the reply up to its 30 s
     * connection timeout); 200 ms later the whole channel fails locally ({@code notifyError}: its output refuses too).
     * Each can wait on sshj's locks (the input buffer's monitor is held while a window adjust is written on the carrying
     * connection; the channel's output stream), so all run on {@link Actions}, never on the deadline thread, the input
     * first: a {@code die()} stuck on the same dead path may hold the pool's other thread.
     */
    static void closeCarrier(final Object channel) {
        Actions.run("sshj.carrier.eof", new Runnable() {
            @Override
            public void run() {
                try {
                    Object conn = SshjApi.get(channel, "conn");
                    Object trans = conn == null ? null : SshjApi.call(conn, "getTransport");
                    Object in = SshjApi.call(channel, "getInputStream");
                    if (trans != null && in != null) {
                        SshjApi.call(in, "notifyError", connectionLost(trans, "channel closed by Lifeline"));
                    }
                } catch (Throwable t) {
                    Faults.suppressed(t);
                }
            }
        });
        Actions.run("sshj.carrier.close", new Runnable() {
            @Override
            public void run() {
                try {
                    SshjApi.call(channel, "close");
                } catch (Exception e) {
                    // the carrying connection is failing too: the local error below still ends the channel
                }
            }
        });
        DeadlineScheduler.schedule("sshj.carrier.error", 200, new Runnable() {
            @Override
            public void run() {
                Actions.run("sshj.carrier.error", new Runnable() {
                    @Override
                    public void run() {
                        try {
                            Object conn = SshjApi.get(channel, "conn");
                            Object trans = conn == null ? null : SshjApi.call(conn, "getTransport");
                            if (trans != null) {
                                SshjApi.call(channel, "notifyError", connectionLost(trans, "channel closed by Lifeline"));
                            }
                        } catch (Throwable t) {
                            Faults.suppressed(t);
                        }
                    }
                });
            }
        });
    }

    static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (Exception ignored) {
                // already closed: the goal is reached
            }
        }
    }
}
