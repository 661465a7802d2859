package dev.lifeline.sshd;

import dev.lifeline.enforce.BlockedThreads;
import dev.lifeline.enforce.ProbeKeepalive;
import dev.lifeline.enforce.SessionEvents;
import dev.lifeline.config.Mode;
import dev.lifeline.config.Policy;
import dev.lifeline.policy.Policies;
import dev.lifeline.policy.SessionPlan;
import dev.lifeline.policy.SessionPolicy;
import dev.lifeline.instrument.Reflection;
import dev.lifeline.report.Faults;
import dev.lifeline.report.Log;
import dev.lifeline.sessions.SshSessions;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.NetworkChannel;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * MINA client sessions: the policy's decisions written into MINA's heartbeat properties, and the heartbeat's verdict.
 *
 * <p>MINA's heartbeat ({@code heartbeat-interval}, {@code heartbeat-request}, {@code heartbeat-no-reply-max}, 2.13+)
 * sends a global request that wants a reply every interval and closes the session when more than no-reply-max are
 * outstanding; {@link #heartbeatStarting} sets that count back to 0 when any packet arrived since the previous heartbeat
 * (OpenSSH's meaning of countMax), so a dead peer is detected between {@code interval × countMax} and
 * {@code interval × (countMax + 1)} after its last packet. Replies also reset MINA's
 * own idle timeout (default 10 min), so a session Lifeline keeps alive is not idled out while the server answers, even
 * during a long exec without output; with a dead server the heartbeat closes it first. MINA before 2.13 cannot count
 * missing replies: each heartbeat waits up to {@code heartbeat-reply-wait} for its reply and closes the session when
 * none comes, however much else arrives. Where the line has a global request it does not wait on (2.9 to 2.12
 * have it, 2.8.0 not), Lifeline's own probe ({@link SshdProbeLink}) replaces that heartbeat and counts as OpenSSH's client;
 * elsewhere a wait of {@code interval × countMax} gives the same detection time on a dead peer.
 */
final class SshdSessions {
    /** The request OpenSSH's client sends; servers answer it (OpenSSH with a failure reply, which counts). */
    static final String KEEPALIVE_REQUEST = "keepalive@openssh.com";

    private SshdSessions() {
    }

    /** The address as the app gave it: {@code ClientSession.getConnectAddress()}, else the remote address. */
    static void register(final Object session, SshdApi api) {
        try {
            SocketAddress target = api.connectAddress(session);
            if (target == null) {
                target = api.remoteAddress(session);
            }
            String host = target instanceof InetSocketAddress ? ((InetSocketAddress) target).getHostString() : String.valueOf(target);
            int port = target instanceof InetSocketAddress ? ((InetSocketAddress) target).getPort() : 0;
            SshSessions.opened(session, "sshd", host, port, SshdView.INSTANCE);
            SshdChannels.whenClosed(session, new Runnable() {
                @Override
                public void run() {
                    // the one close listener of a session: it also stops Lifeline's probe, kept for the view (SshdProbeLink)
                    Object own = SshSessions.memo(session);
                    if (own instanceof ProbeKeepalive) {
                        ((ProbeKeepalive) own).stop();
                    }
                    SshSessions.closed(session);
                }
            });
        } catch (Throwable t) {
            Faults.suppressed(t); // the session's policy still applies
        }
    }

    /** Before {@code ClientConnectionService}'s constructor reads the heartbeat properties of this new session. */
    static void serviceCreating(Object session, boolean legacy) throws Exception {
        Faults.inject("SshdSessions.plan");
        SshdApi api = SshdApi.of(session);
        register(session, api);
        Policy policy = Policies.forAddress(api.remoteAddress(session));
        if (policy == null) {
            return;
        }
        Duration appInterval = (Duration) api.get(api.heartbeatInterval, session);
        Integer appNoReplyMax = legacy ? (api.get(api.heartbeatReplyWait, session) == null ? null : 1)
                : (Integer) api.get(api.heartbeatNoReplyMax, session);
        Object appRequest = api.get(api.heartbeatRequest, session);
        long app = appInterval == null ? 0 : appInterval.toMillis();
        SessionPlan plan = SessionPolicy.plan("sshd", policy, app, appNoReplyMax == null ? 0 : appNoReplyMax, -1);
        if (plan == null) {
            return;
        }
        // before 2.13, Lifeline's own probe where the line can send it without waiting (SshdProbeLink)
        boolean probe = legacy && SshdProbeLink.available(api);
        if (probe && plan.setsKeepalive()) {
            replaceAppHeartbeat(api, session, app);
            startProbe(api, session, plan.keepaliveIntervalMillis, plan.keepaliveCountMax);
        } else if (plan.setsKeepalive()) {
            Duration interval = Duration.ofMillis(plan.keepaliveIntervalMillis);
            api.set(api.heartbeatInterval, session, interval);
            if (legacy) {
                api.set(api.heartbeatReplyWait, session, interval.multipliedBy(plan.keepaliveCountMax));
            } else {
                api.set(api.heartbeatNoReplyMax, session, plan.keepaliveCountMax);
            }
            if (appRequest == null) {
                api.set(api.heartbeatRequest, session, KEEPALIVE_REQUEST);
            }
        } else if (app > 0 && (appNoReplyMax == null || appNoReplyMax <= 0)) {
            int count = SessionPolicy.countForUncountedAppHeartbeat(plan, app, 0);
            if (count > 0 && probe) { // enforce: the app's interval, Lifeline's count, on Lifeline's probe
                replaceAppHeartbeat(api, session, app);
                startProbe(api, session, app, count);
            } else if (count > 0) { // enforce: the app's interval, Lifeline's count
                if (legacy) {
                    api.set(api.heartbeatReplyWait, session, appInterval.multipliedBy(count));
                } else {
                    api.set(api.heartbeatNoReplyMax, session, count);
                }
                if (appRequest == null) {
                    api.set(api.heartbeatRequest, session, KEEPALIVE_REQUEST);
                }
            } else {
                Log.warnOnce("sshd-no-reply:" + policy.host(), "session.keepalive-without-detection", "lib", "sshd",
                        "host", policy.host(), "reason", "the app's heartbeat expects no reply, so a dead peer is not detected",
                        "fix", policy.mode() == Mode.ENFORCE ? "keepalive.interval and keepalive.countMax above 0" : "mode=enforce");
            }
        }
        configured(plan, api.ioSession(session));
    }

    /**
     * The app's own heartbeat before 2.13 waits for each reply (5 minutes unless the app set the wait) and would still
     * close a session whose server streams and never answers: off ({@code Duration.ZERO}: MINA schedules none), as
     * Lifeline's probe takes its place.
     */
    private static void replaceAppHeartbeat(SshdApi api, Object session, long appIntervalMillis) throws Exception {
        if (appIntervalMillis > 0) {
            api.set(api.heartbeatInterval, session, Duration.ZERO);
        }
    }

    private static void startProbe(SshdApi api, Object session, long intervalMillis, int countMax) throws Exception {
        SocketAddress target = api.connectAddress(session);
        if (target == null) {
            target = api.remoteAddress(session);
        }
        InetSocketAddress peer = target instanceof InetSocketAddress ? (InetSocketAddress) target : null;
        SshdProbeLink.start(session, peer == null ? String.valueOf(target) : peer.getHostString(), peer == null ? 0 : peer.getPort(),
                intervalMillis, countMax);
    }

    /** @param ioSession MINA's {@code IoSession} (NIO2, sshd-mina or sshd-netty transport; see {@link SshdSockets}) */
    static void configured(SessionPlan plan, Object ioSession) {
        Faults.inject("SshdSessions.configured");
        if (plan.policy.tcpKeepalive() && ioSession != null) {
            NetworkChannel channel = SshdSockets.channelOf(ioSession);
            if (channel == null) {
                Log.warnOnce("sshd-transport:" + ioSession.getClass().getName(), "tcp.keepalive-unsupported-transport",
                        "lib", "sshd", "transport", ioSession.getClass().getName(), "action", "SO_KEEPALIVE left as the app set it");
            }
            SessionEvents.tcpKeepalive(plan, channel);
        }
        SessionEvents.configured(plan);
    }

    /** Set while MINA's heartbeat runs on this thread: an error it reports then is the keepalive's verdict. */
    private static final ThreadLocal<Boolean> IN_HEARTBEAT = new ThreadLocal<Boolean>();

    /** When each 2.13+ connection service's last heartbeat started (nanoTime); weak keys, so nothing outlives it. */
    private static final Map<Object, long[]> PREVIOUS_BEAT = Collections.synchronizedMap(new WeakHashMap<Object, long[]>());

    /**
     * {@code sendHeartBeat()} entry. MINA 2.13+ counts heartbeats since the last reply to one, so a server that streams
     * output and never answers keepalive requests is closed after countMax intervals; OpenSSH's client counts from the
     * last packet of any kind. So when a packet arrived since the previous heartbeat, MINA's count restarts at 0 here
     * (this heartbeat then makes it 1): the session ends after countMax heartbeat intervals with nothing at all from
     * the peer, on the same ticks as before on a dead one. MINA 2.9 to 2.12 wait for each reply and have no count.
     */
    static void heartbeatStarting(Object service) throws Exception {
        IN_HEARTBEAT.set(Boolean.TRUE);
        SshdApi api = SshdApi.of(service);
        if (api.serviceOutstanding == null) {
            return;
        }
        Object session = api.sessionOfService(service);
        long now = System.nanoTime();
        long[] previous;
        synchronized (PREVIOUS_BEAT) {
            previous = PREVIOUS_BEAT.get(service);
            if (previous == null) {
                PREVIOUS_BEAT.put(service, new long[]{now});
                return; // the first heartbeat: nothing counted yet
            }
        }
        // the handleMessage hook's stamp only: MINA's idle clock moves on this very heartbeat's write, and a session
        // found at attach on a dead peer has no stamp at all (nothing arrived since), so it must count to countMax
        long last = SshSessions.stampedPacketNanos(session);
        long before = previous[0];
        previous[0] = now;
        boolean heard = last != 0 && last - before > 0;
        if (heard && Policies.forAddress(api.remoteAddress(session)) != null) {
            Object count = Reflection.readQuietly(api.serviceOutstanding, service);
            if (count instanceof AtomicInteger) {
                ((AtomicInteger) count).set(0);
            }
        } else if (!heard) {
            BlockedThreads.prepare(); // a silent interval: a verdict may come, its look at the threads warmed now
        }
    }

    static void heartbeatEnded() {
        IN_HEARTBEAT.remove();
    }

    /**
     * {@code exceptionCaught} on a heartbeat's thread for an open session: a heartbeat MINA could not send, or got no
     * reply to. MINA is about to close the session; its channels and waits are still open.
     */
    static void exceptionCaught(Object session) throws Exception {
        if (IN_HEARTBEAT.get() == null) {
            return;
        }
        SshdApi api = SshdApi.of(session);
        if (api.isClosing(session)) {
            return;
        }
        Faults.inject("SshdSessions.heartbeatFailed");
        SocketAddress address = api.remoteAddress(session);
        Duration interval = (Duration) api.get(api.heartbeatInterval, session);
        InetSocketAddress target = address instanceof InetSocketAddress ? (InetSocketAddress) address : null;
        Object service = api.connectionService(session);
        Object max = service == null ? null : Reflection.readQuietly(api.serviceNoReplyMax, service);
        SessionEvents.declaredDead("sshd", target == null ? String.valueOf(address) : target.getHostString(),
                target == null ? 0 : target.getPort(), interval == null ? 0 : interval.toMillis(),
                max instanceof Integer ? (Integer) max : -1, SshSessions.silentMillis(session),
                "session closed by MINA, its channels and waits ended");
    }
}
