package dev.lifeline.policy;

import dev.lifeline.config.Durations;
import dev.lifeline.config.Mode;
import dev.lifeline.config.Policy;
import dev.lifeline.enforce.BlockedThreads;
import dev.lifeline.enforce.SocketTuning;
import dev.lifeline.report.Counters;
import dev.lifeline.report.Log;

import java.net.Socket;
import java.nio.channels.NetworkChannel;

/**
 * The one decision, for every library, between the configuration and a session: which keepalive and connect values
 * to set (fill/enforce) or report (audit), TCP keepalive on the session's socket, and the session's log lines and
 * counters. Libraries translate these decisions into their own knobs and nothing else.
 */
public final class SessionPolicy {
    private SessionPolicy() {
    }

    /**
     * @param appIntervalMillis the app's keepalive interval, 0 when none
     * @param appCountMax       the app's count of unanswered keepalives, 0 when none
     * @param appConnectMillis  the app's connect timeout, 0 when none, or -1 when the library has no such knob
     * @return the plan, or null when Lifeline leaves this session alone (inactive, or mode off)
     */
    public static SessionPlan plan(String lib, Policy policy, long appIntervalMillis, int appCountMax, long appConnectMillis) {
        if (policy == null || policy.mode() == Mode.OFF) {
            return null;
        }
        Mode mode = policy.mode();
        SessionPlan plan = new SessionPlan(policy, lib);
        long interval = Decide.timeout(mode, appIntervalMillis, policy.keepaliveIntervalMillis());
        if (interval != Decide.LEAVE) {
            plan.keepaliveIntervalMillis = interval;
            // the count belongs to the interval set; with the app's own interval, enforce only lowers the app's count
            plan.keepaliveCountMax = appIntervalMillis <= 0 || appCountMax <= 0
                    ? policy.keepaliveCountMax() : Math.min(appCountMax, policy.keepaliveCountMax());
            plan.record("keepalive.interval", Durations.format(interval), "set");
            plan.record("keepalive.countMax", plan.keepaliveCountMax, "set");
        } else {
            long would = Decide.wouldSet(mode, appIntervalMillis, policy.keepaliveIntervalMillis());
            if (would != Decide.LEAVE) {
                plan.record("keepalive.interval", Durations.format(would), "would-set");
                plan.record("keepalive.countMax", policy.keepaliveCountMax(), "would-set");
            } else if (appIntervalMillis > 0) {
                plan.record("keepalive.interval", Durations.format(appIntervalMillis), "app");
            }
        }
        if (appConnectMillis >= 0) {
            long connect = Decide.timeout(mode, appConnectMillis, policy.connectTimeoutMillis());
            if (connect != Decide.LEAVE) {
                plan.connectTimeoutMillis = connect;
                plan.connectDeadlineMillis = connect;
                plan.connectDeadlineEnforced = true;
                plan.record("connect.timeout", Durations.format(connect), "set");
            } else {
                long would = Decide.wouldSet(mode, appConnectMillis, policy.connectTimeoutMillis());
                if (would != Decide.LEAVE) {
                    plan.connectDeadlineMillis = would;
                    plan.record("connect.timeout", Durations.format(would), "would-set");
                } else if (appConnectMillis > 0) {
                    plan.record("connect.timeout", Durations.format(appConnectMillis), "app");
                }
            }
        }
        return plan;
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
        if (setsTcpKeepalive(plan, already)) {
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
        if (setsTcpKeepalive(plan, SocketTuning.keepaliveOn(channel))) {
            plan.record("tcp.keepalive", SocketTuning.enableKeepalive(channel, p.tcpKeepaliveIdleMillis(),
                    p.tcpKeepaliveIntervalMillis(), p.tcpKeepaliveCount()), "set");
        }
    }

    /** Whether to turn it on now; what is kept or would be set is recorded here. */
    private static boolean setsTcpKeepalive(SessionPlan plan, boolean already) {
        Mode mode = plan.policy.mode();
        if (mode == Mode.ENFORCE || (mode == Mode.FILL && !already)) {
            return true;
        }
        if (mode == Mode.AUDIT && !already) {
            plan.record("tcp.keepalive", "on", "would-set");
        } else if (already) {
            plan.record("tcp.keepalive", "on", "app");
        }
        return false;
    }

    /** The session is set up: its one {@code session.configured} line and the session counters. */
    public static void configured(SessionPlan plan) {
        Policy policy = plan.policy;
        if (plan.failure != null) {
            Log.warn("session.setting-failed", "lib", plan.lib, "host", policy.host(), "error", plan.failure);
        }
        Counters.increment(Counters.Counter.SESSIONS_SEEN);
        if (plan.applied.changedAnything()) {
            Counters.increment(Counters.Counter.SESSIONS_CHANGED);
        }
        Log.info("session.configured", "lib", plan.lib, "host", policy.host(), "port", policy.port(),
                "mode", policy.mode().label(), "rules", policy.rules(), "applied", plan.applied.toString());
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
     */
    public static void declaredDead(String lib, String host, int port, long intervalMillis, int countMax, String action) {
        Counters.increment(Counters.Counter.KEEPALIVE_DECLARED_DEAD);
        String interval = intervalMillis > 0 ? Durations.format(intervalMillis) : "?";
        if (countMax >= 0) {
            Log.warn("keepalive.declared-dead", "lib", lib, "host", host, "port", port, "interval", interval,
                    "countMax", countMax, "silent_ms", intervalMillis * (countMax + 1L), "action", action);
        } else {
            Log.warn("keepalive.declared-dead", "lib", lib, "host", host, "port", port, "interval", interval,
                    "action", action);
        }
        BlockedThreads.sessionEnding();
    }
}
