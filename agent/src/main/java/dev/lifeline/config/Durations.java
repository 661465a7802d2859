package dev.lifeline.config;

/**
 * Durations as operators write them: {@code 500ms}, {@code 15s}, {@code 2m}, {@code 1h}; a bare number is seconds,
 * as in OpenSSH. Whole numbers only, at most {@link #MAX_MILLIS}. Printed back here ({@link #format}, for log lines
 * and {@code explain}); read by {@link Key#parseMillis} with the other value syntaxes, so that premain, which reads
 * them, does not load this class.
 */
public final class Durations {
    /** 30 days: anything longer is a typo, not a timeout. */
    public static final long MAX_MILLIS = 30L * 24 * 3600 * 1000;
    public static final String ACCEPTED =
            "a whole number with unit ms, s, m or h (500ms, 15s, 2m, 1h) or a bare number of seconds; 0 = off; at most 30 days";

    private Durations() {
    }

    public static String format(long millis) {
        if (millis == 0) {
            return "0";
        }
        if (millis % 3600000L == 0) {
            return millis / 3600000L + "h";
        }
        if (millis % 60000L == 0 && millis >= 120000L) { // 60s reads better than 1m next to the other seconds
            return millis / 60000L + "m";
        }
        if (millis % 1000L == 0) {
            return millis / 1000L + "s";
        }
        return millis + "ms";
    }
}
