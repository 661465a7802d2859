package dev.lifeline.enforce;

import dev.lifeline.config.Durations;
import dev.lifeline.config.Mode;
import dev.lifeline.config.Policy;
import dev.lifeline.policy.Policies;
import dev.lifeline.policy.SessionPlan;
import dev.lifeline.policy.SessionPolicy;
import dev.lifeline.report.Counters;
import dev.lifeline.report.Log;

import java.net.Socket;
import java.nio.channels.NetworkChannel;

/**
 * What {@link SessionPolicy}'s decisions do to a session, for every library: TCP keepalive on its socket, its one
 * {@code session.configured} line, the connect and dead-peer events with their counters, and waking the threads
 * blocked on a session that ends.
 */
public final class SessionEvents {
    private SessionEvents() {
    }

    /** TCP keepalive on a session's socket (JSch), as the mode says. */
    public static void tcpKeepalive(SessionPlan plan, Socket socket) {
        if (socket == null || !plan.policy.tcpKeepalive()) {
            return;
        }
        boolean already;
        try {
            already = socket.getKeepAlive();
        } catch (Exception e) {
            return;
        }
        Policy p = plan.policy;
        if (SessionPolicy.setsTcpKeepalive(plan, already)) {
            plan.record("tcp.keepalive", SocketTuning.enableKeepalive(socket, p.tcpKeepaliveIdleMillis(),
                    p.tcpKeepaliveIntervalMillis(), p.tcpKeepaliveCount()), "set");
        }
    }

    /** The same on an NIO channel (MINA's transports). */
    public static void tcpKeepalive(SessionPlan plan, NetworkChannel channel) {
        if (channel == null || !plan.policy.tcpKeepalive()) {
            return;
        }
        Policy p = plan.policy;
        if (SessionPolicy.setsTcpKeepalive(plan, SocketTuning.keepaliveOn(channel))) {
            plan.record("tcp.keepalive", SocketTuning.enableKeepalive(channel, p.tcpKeepaliveIdleMillis(),
                    p.tcpKeepaliveIntervalMillis(), p.tcpKeepaliveCount()), "set");
        }
    }

    /** The session is set up: its one {@code session.configured} line and the session counters. */
    public static void configured(SessionPlan plan) {
        Policy policy = plan.policy;
        if (plan.failure() != null) {
            Log.warn("session.setting-failed", "lib", plan.lib, "host", policy.host(), "error", plan.failure());
        }
        Counters.increment(Counters.Counter.SESSIONS_SEEN);
        if (plan.applied().changedAnything()) {
            Counters.increment(Counters.Counter.SESSIONS_CHANGED);
        }
        Log.info("session.configured", "lib", plan.lib, "host", policy.host(), "port", policy.port(),
                "mode", policy.mode().label(), "rules", policy.rules(), "applied", plan.applied().toString());
    }

    public static void connectFailed(SessionPlan plan, boolean stoppedByDeadline, Throwable error) {
        Log.info("session.connect-failed", "lib", plan.lib, "host", plan.policy.host(), "port", plan.policy.port(),
                "elapsed_ms", plan.elapsedMillis(), "stopped_by_deadline", stoppedByDeadline, "error", error);
    }

    /**
     * The connect deadline passed with the connect still under way.
     *
     * @param action what the library does when enforced ({@code socket closed}, {@code connect failed})
     * @return true when the library must act; in audit only the would-fire line is written
     */
    public static boolean connectDeadlinePassed(Policy policy, String lib, long elapsedMillis, String stage, String action) {
        String down = Policies.standDownReason(policy);
        if (down != null) { // armed before a reload or setMode turned its host's mode off
            Log.info("connect.deadline-stood-down", "lib", lib, "host", policy.host(), "port", policy.port(),
                    "elapsed_ms", elapsedMillis, "stage", stage, "reason", down, "action", "none");
            return false;
        }
        if (policy.mode() == Mode.AUDIT) {
            Log.info("connect.deadline-would-fire", "lib", lib, "host", policy.host(), "port", policy.port(),
                    "elapsed_ms", elapsedMillis, "stage", stage, "rule", policy.source("connect.timeout"));
            return false;
        }
        Counters.increment(Counters.Counter.CONNECT_DEADLINES_FIRED);
        Log.warn("connect.deadline-fired", "lib", lib, "host", policy.host(), "port", policy.port(),
                "elapsed_ms", elapsedMillis, "stage", stage, "rule", policy.source("connect.timeout"), "action", action);
        BlockedThreads.sessionEnding();
        return true;
    }

    /**
     * The library's keepalive gave up on the peer and is ending the session.
     *
     * @param countMax the count in force, or -1 where the library does not tell
     * @param silentMillis how long nothing at all has arrived from the peer (the true silence), or -1 where unknown
     */
    public static void declaredDead(String lib, String host, int port, long intervalMillis, int countMax,
                                    long silentMillis, String action) {
        Counters.increment(Counters.Counter.KEEPALIVE_DECLARED_DEAD);
        String interval = intervalMillis > 0 ? Durations.format(intervalMillis) : "?";
        if (countMax >= 0 && silentMillis >= 0) {
            Log.warn("keepalive.declared-dead", "lib", lib, "host", host, "port", port, "interval", interval,
                    "countMax", countMax, "silent_ms", silentMillis, "action", action);
        } else if (countMax >= 0) {
            Log.warn("keepalive.declared-dead", "lib", lib, "host", host, "port", port, "interval", interval,
                    "countMax", countMax, "action", action);
        } else if (silentMillis >= 0) {
            Log.warn("keepalive.declared-dead", "lib", lib, "host", host, "port", port, "interval", interval,
                    "silent_ms", silentMillis, "action", action);
        } else {
            Log.warn("keepalive.declared-dead", "lib", lib, "host", host, "port", port, "interval", interval,
                    "action", action);
        }
        BlockedThreads.sessionEnding();
    }
}
