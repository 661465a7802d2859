package dev.lifeline.config;

/** One invalid input, with everything an operator needs to fix it: where, which key, which value, what is accepted. */
public final class ConfigError {
    private final String file;
    private final int line;
    private final String where;
    private final String key;
    private final String value;
    private final String message;

    ConfigError(Origin origin, String key, String value, String message) {
        this.file = origin.file;
        this.line = origin.line;
        this.where = origin.describe();
        this.key = key;
        this.value = value;
        this.message = message;
    }

    /** The file the input came from, or null for system properties, environment and agent argument. */
    public String file() {
        return file;
    }

    /** 1-based line in {@link #file()}, or 0. */
    public int line() {
        return line;
    }

    public String key() {
        return key;
    }

    public String value() {
        return value;
    }

    public String message() {
        return message;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(where).append(": ").append(key);
        if (value != null) {
            b.append(" = \"").append(printable(value)).append('"');
        }
        return b.append(": ").append(message).toString();
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            b.append(c < ' ' || c == 0x7f || c == '\uFFFD' ? '?' : c);
        }
        return s.length() > 200 ? b.append("...").toString() : b.toString();
    }
}
