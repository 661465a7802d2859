package dev.lifeline.sshd;

import dev.lifeline.config.Policy;
import dev.lifeline.report.Applied;

import java.time.Duration;

/** What Lifeline decided for one MINA client session: values the advice sets on the session (null = leave), and the record. */
public final class SshdPlan {
    public Duration heartbeatInterval;
    public Integer heartbeatNoReplyMax;
    public String heartbeatRequest;

    final Policy policy;
    final Applied applied = new Applied();

    SshdPlan(Policy policy) {
        this.policy = policy;
    }

    void record(String key, Object value, String how) {
        applied.record(key, value, how);
    }
}
