package dev.lifeline.sshj;

import dev.lifeline.enforce.SessionEvents;
import dev.lifeline.enforce.ProbeKeepalive;
import dev.lifeline.config.Policy;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.enforce.Sockets;
import dev.lifeline.policy.Policies;
import dev.lifeline.policy.SessionPlan;
import dev.lifeline.policy.SessionPolicy;
import dev.lifeline.report.Faults;
import dev.lifeline.sessions.SshSessions;

import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * sshj clients (an {@code SSHClient} is the session): registration in {@code sessions}, the policy's decisions written
 * into sshj's knobs, the connect deadline over TCP + key exchange + authentication, and sshj's keepalive verdict read
 * back. The close deadline is {@link SshjChannels#closeDeadline}'s, the socket {@link SshjSockets}'.
 *
 * <p>sshj's keepalive is a thread per connection, chosen by the {@code Config}'s {@code KeepAliveProvider} when the
 * {@code SSHClient} is built: {@code HEARTBEAT} (the default: an ignore packet every interval, no reply expected, so
 * it never notices a dead peer) or {@code KEEP_ALIVE} ({@code KeepAliveRunner}: a want-reply global request every
 * interval, and after {@code maxAliveCount} unanswered it kills the transport). When Lifeline sets keepalive on a
 * connection whose app set none (interval 0), sshj's keepalive object is left at 0, so its thread never starts, and
 * {@link ProbeKeepalive} does the runner's work on Lifeline's deadline thread: no thread per connection. When the app
 * set its own interval and the policy overrides it ({@code enforce}), sshj's thread is already the app's: a
 * {@code KeepAliveRunner} replaces a heartbeater and gets the policy's interval and count, as before.
 */
final class SshjSessions {
    /** The client behind each {@code ConnectionImpl}, for channel and keepalive hooks; weak both ways. */
    private static final Map<Object, Client> BY_CONN = Collections.synchronizedMap(new WeakHashMap<Object, Client>());
    /** Connects under way (connect entry to the end of authentication), per client. */
    private static final Map<Object, Connect> CONNECTING = Collections.synchronizedMap(new WeakHashMap<Object, Connect>());

    private SshjSessions() {
    }

    /** Where one client connects: enough to find its policy and its socket again. */
    static final class Client {
        final WeakReference<Object> client;
        final String host;
        final InetAddress address;
        final int port;
        /** Lifeline's keepalive on this connection, once connected; null when sshj's own (or none) runs. */
        volatile ProbeKeepalive keepalive;
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

    /** A connection found at attach (issue 24): its execs and disconnect find its policy as for one opened under the agent. */
    static void found(Object conn, Client owner) {
        BY_CONN.put(conn, owner);
    }

    static Client clientOfConnection(Object conn) {
        return conn == null ? null : BY_CONN.get(conn);
    }

    /** The host as the app named it: its string, or an address's literal (no reverse lookup). */
    static String hostAsGiven(Object host) {
        return host instanceof InetAddress ? ((InetAddress) host).getHostAddress() : String.valueOf(host);
    }

    static Object connectionOf(Object client) throws Exception {
        return SshjApi.of(client).connection(client);
    }

    /** {@code SocketClient.connect} returned (TCP, banner and key exchange done): listed in {@code sessions}. */
    static void register(Object client, Object host, int port) {
        SshSessions.opened(client, "sshj", hostAsGiven(host), port, SshjView.INSTANCE);
        try {
            SshjPacketClock.connected(client);
        } catch (Throwable t) {
            Faults.suppressed(t); // "last packet" falls back to the registration time
        }
    }

    /** {@code disconnect()} returned or threw, or the peer was declared dead: no longer listed. */
    static void unregister(Object client) {
        SshSessions.closed(client);
        SshjPacketClock.forget(client);
    }

    static Connect connecting(Object client, Object hostArg, int port) throws Exception {
        return connecting(client, hostArg, port, null);
    }

    /** @param carrier for {@code connectVia}: the channel the connection runs in; null for a socket of its own */
    static Connect connecting(Object client, Object hostArg, int port, Object carrier) throws Exception {
        Faults.inject("SshjSessions.connecting");
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
        SshjApi api = SshjApi.of(client);
        Object conn = api.connection(client);
        Client previous = BY_CONN.get(conn);
        if (previous != null && previous.keepalive != null) {
            previous.keepalive.stop(); // connected again with the same client
        }
        Client owner = new Client(client, host, address, port);
        if (carrier != null) {
            owner.carrier = new WeakReference<Object>(carrier);
        }
        BY_CONN.put(conn, owner);
        Object keepAlive = api.keepAlive(conn);
        boolean runner = api.isRunner(keepAlive);
        int appSeconds = api.keepAliveSeconds(keepAlive);
        int appCount = runner && appSeconds > 0 ? api.maxAliveCount(keepAlive) : 0;
        int appConnect = api.connectTimeout(client);
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
                    keepAlive = replaceWithRunner(api, conn, keepAlive);
                }
                api.setMaxAliveCount(keepAlive, plan.keepaliveCountMax);
                int seconds = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (plan.keepaliveIntervalMillis + 999) / 1000));
                api.setKeepAliveSeconds(keepAlive, seconds);
            } catch (Exception e) {
                plan.failed(e);
            }
        }
        if (plan.connectTimeoutMillis != SessionPlan.LEAVE && appConnect <= 0) {
            api.setConnectTimeout(client, (int) Math.min(Integer.MAX_VALUE, plan.connectTimeoutMillis));
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

    /**
     * sshj picks the keepalive kind when the client is built ({@code Config.getKeepAliveProvider()}): a
     * {@code KEEP_ALIVE} runner is made for the connection and put in its final {@code keepAlive} field, which
     * everything in sshj reads through ({@code getKeepAlive()}).
     */
    private static Object replaceWithRunner(SshjApi api, Object conn, Object old) throws Exception {
        Object runner = api.newRunner(conn);
        api.replaceKeepAlive(conn, runner);
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
                Object carrier = SshjSockets.carrierOf(connect.owner);
                if (carrier != null) {
                    if (SessionEvents.connectDeadlinePassed(plan.policy, "sshj", plan.elapsedMillis(), stage,
                            "carrying channel closed")) {
                        SshjSockets.shut(client);
                    }
                    return;
                }
                Socket socket = SshjSockets.socketOf(client);
                if (SessionEvents.connectDeadlinePassed(plan.policy, "sshj", plan.elapsedMillis(), stage,
                        socket == null ? "none (socket not yet created)" : "socket closed")) {
                    Sockets.closeQuietly(socket);
                }
            }
        });
    }

    /** {@code SocketClient.connect} or {@code connectVia} returned or threw. */
    static void connected(Object state, Object client, Object host, int port, Throwable thrown) throws Exception {
        if (thrown == null) {
            register(client, host, port);
        }
        if (!(state instanceof Connect)) {
            return;
        }
        Connect connect = (Connect) state;
        connect.inConnect = false;
        Faults.inject("SshjSessions.connected");
        SessionPlan plan = connect.plan;
        if (thrown != null) {
            connect.end();
            SessionEvents.connectFailed(plan, connect.watchdogFired, thrown);
            return;
        }
        SessionEvents.tcpKeepalive(plan, SshjSockets.socketOf(client));
        if (connect.ownKeepalive) {
            try {
                connect.owner.keepalive = ProbeKeepalive.start("sshj", plan.keepaliveIntervalMillis, plan.keepaliveCountMax,
                        new SshjKeepaliveLink(connect.owner, client));
            } catch (Exception e) {
                plan.failed(e);
            }
        }
        SessionEvents.configured(plan);
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
        Faults.inject("SshjSessions.authEnded");
        if (thrown == null) {
            connect.end();
        } else if (connect.watchdogFired) {
            connect.end();
            SessionEvents.connectFailed(connect.plan, true, thrown);
        }
        // a failed method with time left: the app may try another, still under the deadline
    }

    /** When each {@code KeepAliveRunner} last checked its count (nanoTime); weak keys. */
    private static final Map<Object, long[]> RUNNER_CHECKS = Collections.synchronizedMap(new WeakHashMap<Object, long[]>());

    /**
     * Before a {@code KeepAliveRunner} of a connection Lifeline configured counts its unanswered requests, on its own
     * thread (the only one that touches its queue): when any packet arrived since its previous check, the queue is
     * emptied, as OpenSSH resets its count on any packet. A server that streams and never answers keepalive requests
     * is then alive, and a silent one is declared dead on the same checks as before.
     */
    static void keepaliveChecking(Object runner, Object queue) throws Exception {
        SshjApi api = SshjApi.of(runner);
        Client c = clientOfConnection(api.connectionOfKeepAlive(runner));
        if (c == null || !(queue instanceof java.util.Collection)) {
            return; // a connection Lifeline leaves alone: the app's own keepalive, as sshj counts
        }
        long now = System.nanoTime();
        long[] previous;
        synchronized (RUNNER_CHECKS) {
            previous = RUNNER_CHECKS.get(runner);
            if (previous == null) {
                RUNNER_CHECKS.put(runner, new long[]{now});
                return;
            }
        }
        long before = previous[0];
        previous[0] = now;
        Object client = c.client.get();
        long last = client == null ? 0 : SshSessions.lastPacketNanos(client);
        if (last != 0 && last - before > 0) {
            ((java.util.Collection<?>) queue).clear();
        }
    }

    /** A keepalive check threw: {@code maxAliveCount} keepalives unanswered, sshj kills the transport. */
    static void declaredDead(Object runner) throws Exception {
        Faults.inject("SshjSessions.declaredDead");
        SshjApi api = SshjApi.of(runner);
        final Client c = clientOfConnection(api.connectionOfKeepAlive(runner));
        if (c == null) {
            return; // a connection Lifeline leaves alone (mode off for its host): the app's own keepalive, not ours to log
        }
        int interval = api.keepAliveSeconds(runner);
        int count = api.maxAliveCount(runner);
        SessionEvents.declaredDead("sshj", c.host, c.port, interval * 1000L, count, SshSessions.silentMillis(c.client.get()),
                "transport killed by sshj, socket shut");
        unregister(c.client.get());
        // sshj's die() first (its error reaches every waiter); then the socket, which frees a writer stuck on the dead
        // peer that would otherwise hold die()'s disconnect packet
        DeadlineScheduler.schedule("sshj.dead", 200, new Runnable() {
            @Override
            public void run() {
                Object live = c.client.get();
                if (live != null) {
                    SshjSockets.shut(live);
                }
            }
        });
    }

    /** @return the close deadline {@link #disconnected} cancels */
    static DeadlineScheduler.Deadline disconnecting(final Object client) throws Exception {
        Faults.inject("SshjSessions.disconnecting");
        Connect connect = CONNECTING.get(client);
        if (connect != null) {
            connect.end();
        }
        Client c = clientOfConnection(connectionOf(client));
        if (c == null) {
            return null;
        }
        ProbeKeepalive k = c.keepalive;
        if (k != null) {
            k.stop();
        }
        return SshjChannels.closeDeadline(client, c.policy());
    }

    static void disconnected(Object closeDeadline, Object client) {
        unregister(client);
        SshjChannels.closeEnded(closeDeadline);
    }
}
