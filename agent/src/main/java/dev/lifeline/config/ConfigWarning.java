package dev.lifeline.config;

/**
 * Something in the input that start-up ignores or that can never take effect, but that disables nothing: an unknown
 * {@code LIFELINE_*} variable or {@code lifeline.*} property (another tool's), a rule that can never match, a CIDR
 * block written with host bits. {@link #event()} is the log event; {@code Lifeline} logs each one, {@code check} prints
 * them. The value is deliberately not kept: an unknown variable's value may be another tool's secret.
 */
public final class ConfigWarning {
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
