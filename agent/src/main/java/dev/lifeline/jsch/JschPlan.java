package dev.lifeline.jsch;

import dev.lifeline.config.Policy;
import dev.lifeline.report.Applied;
import dev.lifeline.enforce.DeadlineScheduler;

/**
 * What Lifeline decided for one {@code Session.connect}: values the advice writes into JSch (-1 = leave the app's),
 * and the record of what was set, for the session's single log line. Created per connect; JDK types only.
 */
public final class JschPlan {
    public int setAliveInterval = -1;
    public int setAliveCountMax = -1;
    public int setConnectTimeout = -1;

    final Policy policy;
    final long startNanos = System.nanoTime();
    final Applied applied = new Applied();
    long connectDeadlineMillis;
    volatile DeadlineScheduler.Deadline watchdog;
    volatile boolean watchdogFired;
    volatile Throwable failure;

    JschPlan(Policy policy) {
        this.policy = policy;
    }

    void record(String key, Object value, String how) {
        applied.record(key, value, how);
    }

    /** JSch could not take a value (e.g. its setter threw): the session keeps the app's value. */
    public void failed(Throwable t) {
        failure = t;
    }

    public void startConnectWatchdog(Object session) {
        JschSessions.startConnectWatchdog(this, session);
    }
}
