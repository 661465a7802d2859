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

    /**
     * Adds a qualifier to what an earlier record of {@code key} says ({@code keepalive.interval=1s(set)} becomes
     * {@code keepalive.interval=1s(set,inert)}), for a value the library took but cannot act on; no such record, no change.
     */
    public void qualify(String key, String qualifier) {
        int at = actions.indexOf(key + "=");
        while (at > 0 && actions.charAt(at - 1) != ' ') {
            at = actions.indexOf(key + "=", at + 1);
        }
        if (at < 0) {
            return;
        }
        int close = actions.indexOf(")", at);
        if (close > 0) {
            actions.insert(close, "," + qualifier);
        }
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
