package dev.lifeline.jsch;

import dev.lifeline.enforce.SessionEvents;
import dev.lifeline.config.Policy;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.enforce.Sockets;
import dev.lifeline.policy.Policies;
import dev.lifeline.policy.SessionPlan;
import dev.lifeline.policy.SessionPolicy;
import dev.lifeline.report.Faults;
import dev.lifeline.sessions.SshSessions;

import java.io.InterruptedIOException;
import java.net.Socket;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * JSch sessions: the policy's decisions written into JSch's knobs, and JSch's keepalive verdict read back.
 *
 * <p>JSch's keepalive is its socket read timeout: {@code setServerAliveInterval(ms)} is {@code setTimeout(ms)}, and
 * every read timeout after authentication sends {@code keepalive@jcraft.com} (want-reply) until
 * {@code serverAliveCountMax} go unanswered, then the session ends and all its channels close. So an app's own
 * {@code setTimeout(T)} already is a keepalive every T: it counts as "set" for {@code fill}.
 */
final class JschSessions {
    /** Sessions whose last reads timed out, and how many in a row; identity keys (JSch keeps Object's equals). */
    private static final ConcurrentHashMap<Object, AtomicInteger> READ_TIMEOUTS = new ConcurrentHashMap<Object, AtomicInteger>();
    /** Connects under way: from the entry hook to the exit hook of {@code connect(int)}. */
    private static final ConcurrentHashMap<Object, Connect> CONNECTING = new ConcurrentHashMap<Object, Connect>();

    private JschSessions() {
    }

    /** One connect: its plan (null while not yet made, or when Lifeline changes nothing), the watchdog over it. */
    static final class Connect {
        volatile SessionPlan plan;
        final Thread thread = Thread.currentThread();
        volatile DeadlineScheduler.Deadline watchdog;
        volatile boolean watchdogFired;
        /** The app's own {@code timeout}, put back once the interval is set after the connect; -1: not to do. */
        volatile int appTimeout = -1;
    }

    private static void setInterval(Object session, JschApi api, SessionPlan plan) {
        try {
            api.setAliveInterval(session, clampInt(plan.keepaliveIntervalMillis));
        } catch (Exception e) {
            plan.failed(e);
        }
    }

    /**
     * JSch's {@code setServerAliveInterval(ms)} is {@code setTimeout(ms)}, and JSch bounds by that same timeout every
     * write made while a key exchange is under way ("timeout in waiting for rekeying process"): set before the connect,
     * an interval shorter than the connect's own key exchange (a slow or distant server, a loaded machine) fails a
     * healthy connect, and later any write during a re-key slower than the interval. OpenSSH's ServerAliveInterval
     * bounds no key exchange. So the interval is set once the connect has returned, and the session's timeout is put
     * back to the app's own value: the socket keeps the read timeout that is JSch's keepalive, the key-exchange wait
     * stays the app's. The reader may already be in a read begun without a timeout: probed until its first packet.
     */
    private static void intervalOnceConnected(Object session, JschApi api, Connect connect, SessionPlan plan) throws Exception {
        setInterval(session, api, plan);
        api.setTimeoutField(session, connect.appTimeout);
        Integer packets = api.packetsRead(session);
        if (packets != null && api.socket(session) != null) { // a proxy that gave JSch no socket: JschProxyKeepalive
            JschReadInFlight.start(session, api, api.host(session), api.port(session), plan.keepaliveIntervalMillis,
                    plan.keepaliveCountMax, packets, "socket shut (its first read after the connect)", false);
        }
    }

    /** Listed in {@code sessions}: host and port as the app gave them (never the user: issue 22 item 8). */
    private static void register(Object session, JschApi api) throws Exception {
        SshSessions.opened(session, "jsch", api.host(session), api.port(session), JschView.INSTANCE);
    }

    /** A session's or a channel's {@code disconnect()} returned or threw: a session's entry ends here. */
    static void closed(Object sessionOrChannel) {
        SshSessions.closed(sessionOrChannel); // a channel was never one
        SshSessions.channelClosed(sessionOrChannel); // and a channel's age (nothing for a session)
    }

    /** @return the connect timeout JSch is to use */
    static int connecting(Object session, int timeout) throws Exception {
        Faults.inject("JschSessions.plan");
        JschApi api = JschApi.of(session);
        // marked connecting before it is listed: a watchdog sweep in between would find it neither connected nor
        // connecting and drop it from the registry (issue 22: 600 concurrent connects, 599 listed)
        Connect connect = new Connect();
        CONNECTING.put(session, connect);
        register(session, api);
        Policy policy = Policies.forHost(api.host(session), null, api.port(session));
        if (policy == null) {
            return timeout;
        }
        int appTimeout = api.timeout(session);
        int appCountMax = api.aliveCountMax(session);
        long appKeepalive = appTimeout > 0 ? appTimeout : api.aliveInterval(session);
        SessionPlan plan = SessionPolicy.plan("jsch", policy, appKeepalive, appCountMax, timeout);
        if (plan == null) {
            return timeout;
        }
        if (plan.setsKeepalive()) {
            if (api.packetsRead(session) != null) {
                connect.appTimeout = appTimeout; // the interval is set once connected: see intervalOnceConnected
            } else {
                setInterval(session, api, plan); // no packet count to probe the first read with: JSch's way, before connect
            }
            if (plan.keepaliveCountMax != appCountMax) {
                api.setAliveCountMax(session, plan.keepaliveCountMax);
            }
        }
        connect.plan = plan;
        startConnectWatchdog(connect, session);
        return plan.connectTimeoutMillis != SessionPlan.LEAVE ? clampInt(plan.connectTimeoutMillis) : timeout;
    }

    /**
     * JSch bounds TCP connect and each handshake read by the connect timeout, but not their sum: a server that
     * trickles bytes keeps connect() going. The watchdog closes the socket when the whole connect overruns.
     */
    private static void startConnectWatchdog(final Connect connect, final Object session) {
        final SessionPlan plan = connect.plan;
        if (plan.connectDeadlineMillis <= 0) {
            return;
        }
        connect.watchdog = DeadlineScheduler.schedule("jsch.connect", plan.connectDeadlineMillis, new Runnable() {
            @Override
            public void run() {
                Socket socket = JschSockets.socketOf(session);
                if (!plan.connectDeadlineEnforced) {
                    SessionEvents.connectDeadlinePassed(plan.policy, "jsch", plan.elapsedMillis(), "connect", "none (audit)");
                    return;
                }
                connect.watchdogFired = true;
                if (SessionEvents.connectDeadlinePassed(plan.policy, "jsch", plan.elapsedMillis(), "connect",
                        socket == null ? "none (socket not yet created)" : "socket closed")) {
                    Sockets.closeQuietly(socket);
                }
            }
        });
    }

    static void connected(Object session, Throwable thrown) throws Exception {
        Connect connect = CONNECTING.get(session);
        if (connect != null && connect.thread == Thread.currentThread()) {
            CONNECTING.remove(session, connect);
        } else {
            connect = null; // another thread's connect of the same session: not this call's to end
        }
        if (thrown != null) {
            SshSessions.closed(session);
        } else { // again, in case a tick dropped it while its TCP connect ran (isConnected still false then)
            register(session, JschApi.of(session));
        }
        Faults.inject("JschSessions.connected");
        if (connect == null) {
            return;
        }
        DeadlineScheduler.Deadline w = connect.watchdog;
        if (w != null) {
            w.cancel();
        }
        SessionPlan plan = connect.plan;
        if (plan == null) {
            return; // nothing planned: Lifeline changed nothing on this connect
        }
        if (thrown != null) {
            SessionEvents.connectFailed(plan, connect.watchdogFired, thrown);
            return;
        }
        JschApi api = JschApi.of(session);
        if (connect.appTimeout >= 0) {
            intervalOnceConnected(session, api, connect, plan);
        }
        if (JschProxyKeepalive.socketless(api, session)) {
            JschProxyKeepalive.connected(session, api, plan);
        }
        SessionEvents.tcpKeepalive(plan, JschSockets.socketOf(session));
        SessionEvents.configured(plan);
    }

    /**
     * Every packet JSch reads: must cost next to nothing. One registry lookup and a volatile write (the session's idle
     * clock), and no streak lookup unless some session is in a silent streak.
     */
    static void readOk(Object session) {
        SshSessions.packet(session);
        if (!READ_TIMEOUTS.isEmpty()) {
            READ_TIMEOUTS.remove(session);
        }
    }

    /**
     * A read that failed. JSch's reader counts consecutive read timeouts, sends a keepalive for each of the first
     * {@code serverAliveCountMax} and ends the session on the next: that timeout is the keepalive's verdict.
     */
    static void readFailed(Object session, Throwable thrown) throws Exception {
        Faults.inject("JschSessions.readFailed");
        if (!(thrown instanceof InterruptedIOException) || !Thread.currentThread().getName().startsWith("Connect thread")) {
            READ_TIMEOUTS.remove(session);
            return;
        }
        AtomicInteger streak = READ_TIMEOUTS.get(session);
        if (streak == null) {
            AtomicInteger fresh = new AtomicInteger();
            streak = READ_TIMEOUTS.putIfAbsent(session, fresh);
            if (streak == null) {
                streak = fresh;
            }
        }
        JschApi api = JschApi.of(session);
        int countMax = api.aliveCountMax(session);
        if (streak.incrementAndGet() <= countMax) {
            return;
        }
        READ_TIMEOUTS.remove(session);
        int aliveInterval = api.aliveInterval(session);
        long interval = aliveInterval > 0 ? aliveInterval : api.timeout(session);
        SessionEvents.declaredDead("jsch", api.host(session), api.port(session), interval, countMax,
                SshSessions.silentMillis(session), "session ended by JSch, its channels closed");
    }

    /** A session going away takes its streak with it, so the map never holds a session JSch has let go. */
    static void forget(Object session) {
        READ_TIMEOUTS.remove(session);
        JschProxyKeepalive.stop(session);
    }

    static boolean isConnecting(Object session) {
        return CONNECTING.containsKey(session);
    }

    /** Keepalives JSch sent since the last packet from the peer (its streak of read timeouts). */
    static int probesOutstanding(Object session) {
        AtomicInteger streak = READ_TIMEOUTS.get(session);
        return streak == null ? 0 : streak.get();
    }

    private static int clampInt(long v) {
        return (int) Math.min(Integer.MAX_VALUE, v);
    }
}
