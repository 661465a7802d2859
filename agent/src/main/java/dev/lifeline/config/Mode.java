package dev.lifeline.config;

/** How Lifeline treats what the application itself configured. */
public enum Mode {
    /** Set only what the app left unset. */
    FILL,
    /** Override; for timeouts and intervals the smaller value wins. */
    ENFORCE,
    /** Change nothing; log what {@code fill} would change. */
    AUDIT,
    /** Do nothing. */
    OFF;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
