package dev.lifeline.report;

/**
 * What Lifeline did to one session, for its single {@code session.configured} log line:
 * {@code keepalive.interval=15s(set) connect.timeout=10s(app) ...}; {@code set}, {@code app} (the app's value kept)
 * or {@code would-set} (audit).
 */
public final class Applied {
    private final StringBuilder actions = new StringBuilder();

    public void record(String key, Object value, String how) {
        if (actions.length() > 0) {
            actions.append(' ');
        }
        actions.append(key).append('=').append(value).append('(').append(how).append(')');
    }

    /** Whether Lifeline set anything (not only kept the app's values or audited). */
    public boolean changedAnything() {
        return actions.indexOf("(set)") >= 0;
    }

    @Override
    public String toString() {
        return actions.toString();
    }
}
