package dev.lifeline.policy;

import dev.lifeline.config.Durations;
import dev.lifeline.config.Mode;
import dev.lifeline.config.Policy;

/**
 * The one decision, for every library, between the configuration and a session: which keepalive and connect values
 * to set (fill/enforce) or report (audit), and whether TCP keepalive is turned on. No side effects: what a decision
 * does to a session (its socket, log lines and counters) is {@code enforce/SessionEvents}. Libraries translate these
 * decisions into their own knobs and nothing else.
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

    /**
     * Enforce, and the app's own heartbeat is kept (as short as Lifeline's or shorter) but counts no replies (MINA's
     * heartbeat with no no-reply max sends and never waits: a dead peer goes unnoticed). The count is the one
     * keepalive value the app left unset, and in enforce the smaller wins, none being the largest: Lifeline's count
     * goes on the app's interval, and the session detects a dead peer. Fill leaves the app's heartbeat as it is; so
     * does a configuration with Lifeline's keepalive off.
     *
     * @return the count to set, or {@link SessionPlan#LEAVE}
     */
    public static int countForUncountedAppHeartbeat(SessionPlan plan, long appIntervalMillis, int appCountMax) {
        Policy policy = plan.policy;
        if (policy.mode() != Mode.ENFORCE || plan.setsKeepalive() || appIntervalMillis <= 0 || appCountMax > 0
                || policy.keepaliveIntervalMillis() <= 0 || policy.keepaliveCountMax() <= 0) {
            return (int) SessionPlan.LEAVE;
        }
        plan.keepaliveCountMax = policy.keepaliveCountMax();
        plan.record("keepalive.countMax", plan.keepaliveCountMax, "set");
        return plan.keepaliveCountMax;
    }

    /**
     * Whether to turn TCP keepalive on now, given whether the socket has it already; what is kept or would be set is
     * recorded in the plan (the library's socket is changed by {@code enforce/SessionEvents}).
     */
    public static boolean setsTcpKeepalive(SessionPlan plan, boolean already) {
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
}
