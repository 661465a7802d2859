package dev.lifeline.config;

/**
 * Something in the input that start-up ignores or that can never take effect, but that disables nothing: an unknown
 * {@code LIFELINE_*} variable or {@code lifeline.*} property (another tool's), a rule that can never match, a CIDR
 * block written with host bits. {@link #event()} is the log event; {@code Lifeline} logs each one, {@code check} prints
 * them. The value is deliberately not kept: an unknown variable's value may be another tool's secret.
 *
 * <p>An unknown key in the file (or the agent argument) is one too ({@link #UNKNOWN_KEY}): a file written for a newer
 * Lifeline, rolled out before every JVM has the newer jar, must not leave the older JVMs unprotected, so the rest of
 * the file applies. {@code check} still fails on it ({@link #failsCheck()}): a typo is caught in a config repository's
 * CI, by the jar that will read the file.
 */
public final class ConfigWarning {
    /** The event of an unknown key: ignored by the agent, an error for {@code check}. */
    public static final String UNKNOWN_KEY = "config.unknown-key";

    private final String event;
    private final String where;
    private final String key;
    private final String message;

    ConfigWarning(String event, Origin origin, String key, String message) {
        this.event = event;
        this.where = origin.describe();
        this.key = key;
        this.message = message;
    }

    /** The log event, e.g. {@code config.unknown-variable}. */
    public String event() {
        return event;
    }

    /** {@code check} exits non-zero on it although the agent applies the rest: an unknown key. */
    public boolean failsCheck() {
        return UNKNOWN_KEY.equals(event);
    }

    /** The variable, property or key it is about. */
    public String key() {
        return key;
    }

    public String message() {
        return message;
    }

    @Override
    public String toString() {
        return where + ": " + key + ": " + message;
    }
}
