package dev.lifeline.sshd;

import dev.lifeline.Lifeline;
import dev.lifeline.config.Durations;
import dev.lifeline.config.Mode;
import dev.lifeline.config.Policy;
import dev.lifeline.enforce.BlockedThreads;
import dev.lifeline.enforce.SocketTuning;
import dev.lifeline.policy.Decide;
import dev.lifeline.report.Counters;
import dev.lifeline.report.Faults;
import dev.lifeline.report.Log;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.NetworkChannel;
import java.time.Duration;

/**
 * The logic behind MINA client session advice; JDK types only (MINA may live in a loader the agent cannot see).
 *
 * <p>MINA's heartbeat ({@code heartbeat-interval}, {@code heartbeat-request}, {@code heartbeat-no-reply-max}, 2.13+)
 * sends a global request that wants a reply every interval and closes the session when more than no-reply-max are
 * outstanding: a dead peer is detected after {@code interval × (countMax + 1)}, as with JSch. Replies also reset MINA's
 * own idle timeout (default 10 min), so a session Lifeline keeps alive is not idled out while the server answers, even
 * during a long exec without output; with a dead server the heartbeat closes it first.
 */
public final class SshdSessions {
    /** The request OpenSSH's client sends; servers answer it (OpenSSH with a failure reply, which counts). */
    static final String KEEPALIVE_REQUEST = "keepalive@openssh.com";

    private SshdSessions() {
    }

    public static SshdPlan plan(SocketAddress address, Duration appInterval, Integer appNoReplyMax, String appRequest) {
        Faults.inject("SshdSessions.plan");
        if (!Lifeline.active() || !(address instanceof InetSocketAddress)) {
            return null;
        }
        InetSocketAddress target = (InetSocketAddress) address;
        Policy policy = Lifeline.config().policyFor(target.getHostString(), target.isUnresolved() ? null : target.getAddress(),
                target.getPort());
        Mode mode = policy.mode();
        if (mode == Mode.OFF) {
            return null;
        }
        SshdPlan plan = new SshdPlan(policy);
        long app = appInterval == null ? 0 : appInterval.toMillis();
        long wanted = policy.keepaliveIntervalMillis();
        long interval = Decide.timeout(mode, app, wanted);
        if (interval != Decide.LEAVE) {
            plan.heartbeatInterval = Duration.ofMillis(interval);
            plan.record("keepalive.interval", Durations.format(interval), "set");
            int count = appNoReplyMax == null || appNoReplyMax <= 0 || app <= 0
                    ? policy.keepaliveCountMax() : Math.min(appNoReplyMax, policy.keepaliveCountMax());
            plan.heartbeatNoReplyMax = count;
            plan.record("keepalive.countMax", count, "set");
            if (appRequest == null) {
                plan.heartbeatRequest = KEEPALIVE_REQUEST;
            }
        } else {
            long would = Decide.wouldSet(mode, app, wanted);
            if (would != Decide.LEAVE) {
                plan.record("keepalive.interval", Durations.format(would), "would-set");
                plan.record("keepalive.countMax", policy.keepaliveCountMax(), "would-set");
            } else if (app > 0) {
                plan.record("keepalive.interval", Durations.format(app), "app");
                if (appNoReplyMax == null || appNoReplyMax <= 0) {
                    Log.warnOnce("sshd-no-reply:" + policy.host(), "session.keepalive-without-detection", "lib", "sshd",
                            "host", policy.host(), "reason", "the app's heartbeat expects no reply, so a dead peer is not detected",
                            "fix", "mode=enforce");
                }
            }
        }
        return plan;
    }

    /** Set while MINA's heartbeat runs on this thread: an error it reports then is the keepalive's verdict. */
    private static final ThreadLocal<Boolean> IN_HEARTBEAT = new ThreadLocal<Boolean>();

    public static void heartbeatStarting() {
        IN_HEARTBEAT.set(Boolean.TRUE);
    }

    public static void heartbeatEnded() {
        IN_HEARTBEAT.remove();
    }

    public static boolean inHeartbeat() {
        return IN_HEARTBEAT.get() != null;
    }

    /** A heartbeat MINA could not send, or got no reply to: MINA is about to close the session. */
    public static void heartbeatFailed(SocketAddress address, Duration interval) {
        Faults.inject("SshdSessions.heartbeatFailed");
        Counters.increment(Counters.Counter.KEEPALIVE_DECLARED_DEAD);
        InetSocketAddress target = address instanceof InetSocketAddress ? (InetSocketAddress) address : null;
        Log.warn("keepalive.declared-dead", "lib", "sshd", "host", target == null ? String.valueOf(address) : target.getHostString(),
                "port", target == null ? 0 : target.getPort(), "interval", interval == null ? "?" : Durations.format(interval.toMillis()),
                "action", "session closed by MINA, its channels and waits ended");
        BlockedThreads.sessionEnding();
    }

    /** @param ioSession MINA's {@code IoSession} (NIO2, sshd-mina or sshd-netty transport; see {@link SshdSockets}) */
    public static void configured(SshdPlan plan, Object ioSession) {
        Faults.inject("SshdSessions.configured");
        tuneSocket(plan, ioSession);
        Policy policy = plan.policy;
        Counters.increment(Counters.Counter.SESSIONS_SEEN);
        if (plan.applied.changedAnything()) {
            Counters.increment(Counters.Counter.SESSIONS_CHANGED);
        }
        Log.info("session.configured", "lib", "sshd", "host", policy.host(), "port", policy.port(),
                "mode", policy.mode().label(), "rules", policy.rules(), "applied", plan.applied.toString());
    }

    private static void tuneSocket(SshdPlan plan, Object ioSession) {
        Policy policy = plan.policy;
        if (!policy.tcpKeepalive() || ioSession == null) {
            return;
        }
        NetworkChannel channel = channelOf(ioSession);
        if (channel == null) {
            Log.warnOnce("sshd-transport:" + ioSession.getClass().getName(), "tcp.keepalive-unsupported-transport",
                    "lib", "sshd", "transport", ioSession.getClass().getName(), "action", "SO_KEEPALIVE left as the app set it");
            return;
        }
        boolean already = SocketTuning.keepaliveOn(channel);
        Mode mode = policy.mode();
        if (mode == Mode.ENFORCE || (mode == Mode.FILL && !already)) {
            plan.record("tcp.keepalive", SocketTuning.enableKeepalive(channel, policy.tcpKeepaliveIdleMillis(),
                    policy.tcpKeepaliveIntervalMillis(), policy.tcpKeepaliveCount()), "set");
        } else if (mode == Mode.AUDIT && !already) {
            plan.record("tcp.keepalive", "on", "would-set");
        } else if (already) {
            plan.record("tcp.keepalive", "on", "app");
        }
    }

    /** NIO2, sshd-mina or sshd-netty: see {@link SshdSockets}. */
    static NetworkChannel channelOf(Object ioSession) {
        return SshdSockets.channelOf(ioSession);
    }
}
