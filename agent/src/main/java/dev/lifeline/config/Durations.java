package dev.lifeline.config;

/**
 * Durations as operators write them: {@code 500ms}, {@code 15s}, {@code 2m}, {@code 1h}; a bare number is seconds,
 * as in OpenSSH. Whole numbers only, at most {@link #MAX_MILLIS}.
 */
public final class Durations {
    /** 30 days: anything longer is a typo, not a timeout. */
    public static final long MAX_MILLIS = 30L * 24 * 3600 * 1000;
    public static final String ACCEPTED =
            "a whole number with unit ms, s, m or h (500ms, 15s, 2m, 1h) or a bare number of seconds; 0 = off; at most 30 days";

    private Durations() {
    }

    /** @throws IllegalArgumentException with the reason, when {@code text} is not a duration */
    public static long parseMillis(String text) {
        String s = text.trim().toLowerCase(java.util.Locale.ROOT);
        int digits = 0;
        // ASCII digits only: Character.isDigit and Long.parseLong would also take other scripts' digits
        while (digits < s.length() && s.charAt(digits) >= '0' && s.charAt(digits) <= '9') {
            digits++;
        }
        if (s.startsWith("-")) {
            throw new IllegalArgumentException("negative duration");
        }
        if (digits == 0) {
            throw new IllegalArgumentException("not a duration");
        }
        String unit = s.substring(digits).trim();
        long factor;
        if (unit.isEmpty() || unit.equals("s")) {
            factor = 1000;
        } else if (unit.equals("ms")) {
            factor = 1;
        } else if (unit.equals("m")) {
            factor = 60000;
        } else if (unit.equals("h")) {
            factor = 3600000;
        } else if (unit.startsWith(".") || unit.startsWith(",")) {
            throw new IllegalArgumentException("fractions are not accepted (write 1500ms, not 1.5s)");
        } else {
            throw new IllegalArgumentException("unknown unit '" + unit + "'");
        }
        String number = s.substring(0, digits);
        if (number.length() > 12) {
            throw new IllegalArgumentException("too large");
        }
        long millis = Long.parseLong(number) * factor;
        if (millis > MAX_MILLIS) {
            throw new IllegalArgumentException("too large");
        }
        return millis;
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
