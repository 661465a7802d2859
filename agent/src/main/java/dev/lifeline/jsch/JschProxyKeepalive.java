package dev.lifeline.jsch;

import dev.lifeline.config.Durations;
import dev.lifeline.config.Mode;
import dev.lifeline.enforce.Actions;
import dev.lifeline.enforce.ProbeKeepalive;
import dev.lifeline.enforce.SessionEvents;
import dev.lifeline.policy.SessionPlan;
import dev.lifeline.sessions.SshSessions;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Lifeline's keepalive for a JSch session whose {@code Proxy} hands JSch no socket ({@code getSocket()} returns null: a
 * ProxyCommand's process, a jump host's direct-tcpip channel, an app's own socket it keeps to itself).
 *
 * <p>JSch's keepalive is its socket read timeout, and JSch only ever sets one on a socket: {@code connect} takes
 * {@code socket = proxy.getSocket()} and calls {@code setSoTimeout} only when that is not null, and
 * {@code setTimeout}/{@code setServerAliveInterval} on a session without a socket only store the value (jcraft 0.1.55
 * and mwiede 2.x alike). So its reader never times out, never sends a keepalive, and on a dead path waits in a read that
 * never returns, with every app call on the session behind it. {@link ProbeKeepalive} does the keepalive's work instead,
 * on OpenSSH's terms: a probe ({@code keepalive@jcraft.com}, want-reply) after each silent interval, dead when
 * {@code countMax} went unanswered and another interval passed with nothing at all from the peer. "Arrived" is JSch's
 * own count of packets read ({@code seqi}), stamped with the instant Lifeline's read hook saw the last one.
 *
 * <p>The verdict ends the session as JSch's own keepalive failure would (its reader's read fails, and the reader calls
 * {@code disconnect()}, closing every channel), on an action thread since either step may block: the proxy is closed
 * (its streams end, which wakes a reader blocked on a socket's stream), then {@code disconnect()} is called, for a proxy
 * whose streams do not wake a blocked reader when closed (a process's pipe): the channels close and the app's calls end.
 */
final class JschProxyKeepalive implements ProbeKeepalive.Link {
    /** The keepalives running, by session (identity: JSch keeps Object's equals); a session's goes when it ends. */
    private static final ConcurrentHashMap<Object, ProbeKeepalive> RUNNING = new ConcurrentHashMap<Object, ProbeKeepalive>();

    private final Object session;
    private final JschApi api;
    private final String host;
    private final int port;
    private final PacketClock clock;
    private volatile ProbeKeepalive keepalive;

    private JschProxyKeepalive(Object session, JschApi api, String host, int port, int packets) {
        this.session = session;
        this.api = api;
        this.host = host;
        this.port = port;
        this.clock = new PacketClock(packets, System.nanoTime());
    }

    /**
     * Whether JSch's keepalive cannot run on this session: connected through a proxy, and no socket JSch could set a read
     * timeout on (before the proxy connected, JSch's own proxies have no socket either: not yet known).
     */
    static boolean socketless(JschApi api, Object session) throws Exception {
        return api.isConnected(session) && api.socket(session) == null && api.proxy(session) != null;
    }

    /**
     * A connect through a proxy that gave JSch no socket returned: the session's record says what is true (the interval
     * and count JSch holds are inert), and Lifeline's probes run with the interval JSch would have used, Lifeline's or
     * the app's own ({@code setServerAliveInterval}/{@code setTimeout}, equally inert here). Audit only says so.
     */
    static void connected(Object session, JschApi api, SessionPlan plan) throws Exception {
        plan.qualify("keepalive.interval", "inert");
        plan.qualify("keepalive.countMax", "inert");
        long interval;
        int countMax;
        if (plan.setsKeepalive()) {
            interval = plan.keepaliveIntervalMillis;
            countMax = plan.keepaliveCountMax;
        } else {
            int timeout = api.timeout(session);
            interval = timeout > 0 ? timeout : api.aliveInterval(session);
            countMax = Math.max(0, api.aliveCountMax(session));
        }
        if (interval <= 0) {
            return; // no keepalive wanted, none claimed
        }
        String what = "every " + Durations.format(interval) + " x" + countMax
                + " by Lifeline (the proxy gives JSch no socket: JSch's own keepalive cannot run)";
        if (plan.policy.mode() == Mode.AUDIT) {
            plan.record("keepalive.probes", what, "would-set");
            return;
        }
        Integer packets = api.packetsRead(session);
        if (packets == null) {
            plan.record("keepalive.probes", "none (JSch's packet count is not readable in this version)", "unavailable");
            return;
        }
        start(session, api, interval, countMax, packets);
        plan.record("keepalive.probes", what, "set");
    }

    /** Starts probing a connected session; its packet count must be readable. */
    private static void start(Object session, JschApi api, long intervalMillis, int countMax, int packets) throws Exception {
        JschProxyKeepalive link = new JschProxyKeepalive(session, api, api.host(session), api.port(session), packets);
        ProbeKeepalive k = ProbeKeepalive.start("jsch.proxy", intervalMillis, countMax, link);
        link.keepalive = k;
        ProbeKeepalive had = RUNNING.put(session, k);
        if (had != null) {
            had.stop(); // a reconnect of the same Session object
        }
    }

    /** The session's probes, or null (not through a socketless proxy, or ended). */
    static ProbeKeepalive of(Object session) {
        return RUNNING.isEmpty() ? null : RUNNING.get(session);
    }

    /** The session ended (its {@code disconnect()} returned): its probes stop now rather than at the next tick. */
    static void stop(Object session) {
        if (RUNNING.isEmpty()) {
            return;
        }
        ProbeKeepalive k = RUNNING.remove(session);
        if (k != null) {
            k.stop();
        }
    }

    @Override
    public boolean closed() throws Exception {
        if (api.isConnected(session)) {
            return false;
        }
        forgetThis();
        return true;
    }

    @Override
    public boolean ready() {
        return true; // started once the connect (key exchange, authentication) returned
    }

    @Override
    public long lastPacketNanos() throws Exception {
        Integer packets = api.packetsRead(session);
        return clock.observe(packets == null ? clock.packets() : packets, SshSessions.stampedPacketNanos(session),
                System.nanoTime());
    }

    @Override
    public void send() throws Exception {
        api.sendKeepalive(session);
    }

    @Override
    public void dead(long intervalMillis, int countMax, long silentMillis) {
        forgetThis();
        SessionEvents.declaredDead("jsch", host, port, intervalMillis, countMax, silentMillis,
                "proxy closed and session disconnected by Lifeline (the proxy gives JSch no socket, so JSch's own "
                        + "keepalive cannot run), its channels closed");
        Actions.run("jsch.proxy-keepalive.end", new Runnable() {
            @Override
            public void run() {
                end();
            }
        });
    }

    /** On an action thread: what JSch's reader does on a failed read, with the read made to fail first. */
    private void end() {
        Object proxy = api.proxy(session);
        if (proxy != null) {
            try {
                api.closeProxy(proxy);
            } catch (Exception e) {
                // the app's proxy failed to close: disconnect() below still ends the channels
            }
        }
        try {
            api.disconnectSession(session);
        } catch (Exception e) {
            // the reader may be disconnecting it at the same time: JSch's disconnect tolerates that, the channels close
        }
    }

    /** Ended or declared dead: the map lets go of the session (this keepalive's entry only, not a reconnect's). */
    private void forgetThis() {
        ProbeKeepalive k = keepalive;
        if (k != null) {
            RUNNING.remove(session, k);
        }
    }

    /**
     * When the peer was last heard from, by JSch's packet count: a count that moved means a packet arrived, at the instant
     * Lifeline's read hook stamped (or, unstamped, when the move was seen: later, never earlier, so never a verdict on
     * less silence than there was). Pure logic, for tests.
     */
    static final class PacketClock {
        private int packets;
        private long heardNanos;

        PacketClock(int packets, long startNanos) {
            this.packets = packets;
            this.heardNanos = startNanos;
        }

        synchronized int packets() {
            return packets;
        }

        /**
         * @param count       JSch's packet count now
         * @param stampedNanos when the read hook last saw a packet, 0 when none did
         * @param nowNanos    now
         */
        synchronized long observe(int count, long stampedNanos, long nowNanos) {
            if (stampedNanos != 0 && stampedNanos - heardNanos > 0) {
                heardNanos = stampedNanos; // a packet the read hook saw, at its own instant
            } else if (count != packets) {
                heardNanos = nowNanos; // moved with no stamp (a session the registry does not list): seen now
            }
            packets = count;
            return heardNanos;
        }
    }
}
