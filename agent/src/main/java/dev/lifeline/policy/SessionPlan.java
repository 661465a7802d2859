package dev.lifeline.policy;

import dev.lifeline.config.Policy;
import dev.lifeline.report.Applied;

/**
 * What the policy decided for one session of any library: the values to write into the library ({@link #LEAVE} =
 * keep the app's), the connect deadline, and the record of what was set for the session's single log line.
 */
public final class SessionPlan {
    public static final long LEAVE = Decide.LEAVE;

    public final Policy policy;
    public final String lib;
    /** The keepalive interval to set, or {@link #LEAVE}. */
    public long keepaliveIntervalMillis = LEAVE;
    /** The count that goes with the interval set (meaningful only when one is set). */
    public int keepaliveCountMax = -1;
    /** The library's own connect timeout to set, or {@link #LEAVE}. */
    public long connectTimeoutMillis = LEAVE;
    /** A deadline over the whole connect: enforced when {@link #connectDeadlineEnforced}, else only reported (audit). */
    public long connectDeadlineMillis;
    public boolean connectDeadlineEnforced;

    final long startNanos = System.nanoTime();
    final Applied applied = new Applied();
    volatile Throwable failure;

    SessionPlan(Policy policy, String lib) {
        this.policy = policy;
        this.lib = lib;
    }

    public boolean setsKeepalive() {
        return keepaliveIntervalMillis != LEAVE;
    }

    public void record(String key, Object value, String how) {
        applied.record(key, value, how);
    }

    /** See {@link Applied#qualify}: the library took a value it cannot act on. */
    public void qualify(String key, String qualifier) {
        applied.qualify(key, qualifier);
    }

    /** The library refused a value (its setter threw): the session keeps the app's value. */
    public void failed(Throwable t) {
        failure = t;
    }

    /** What was set, kept or would be set, for the session's one log line. */
    public Applied applied() {
        return applied;
    }

    /** Why the library refused a value, or null. */
    public Throwable failure() {
        return failure;
    }

    public long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1000000L;
    }
}
