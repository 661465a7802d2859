package dev.lifeline.report;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One line per event, logfmt fields, prefixed {@code [lifeline]}, on stderr. No logging framework: the agent must not
 * initialise JUL or impose a backend on the application it lives in.
 */
public final class Log {
    public enum Level { DEBUG, INFO, WARN, ERROR }

    private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();
    private static volatile Level threshold = Level.INFO;

    private Log() {
    }

    public static void setLevel(Level level) {
        threshold = level;
    }

    public static void debug(String event, Object... fields) {
        write(Level.DEBUG, event, fields);
    }

    public static void info(String event, Object... fields) {
        write(Level.INFO, event, fields);
    }

    public static void warn(String event, Object... fields) {
        write(Level.WARN, event, fields);
    }

    public static void error(String event, Object... fields) {
        write(Level.ERROR, event, fields);
    }

    /** Logs the event only the first time {@code key} is seen in this JVM (e.g. "unsupported version" per class). */
    public static void warnOnce(String key, String event, Object... fields) {
        if (ONCE.add(key)) {
            write(Level.WARN, event, fields);
        }
    }

    private static void write(Level level, String event, Object... fields) {
        if (level.ordinal() < threshold.ordinal()) {
            return;
        }
        String line = format(level, event, fields);
        PrintStream err = System.err; // looked up each time: apps and test harnesses replace it
        err.println(line);
    }

    static String format(Level level, String event, Object... fields) {
        StringBuilder b = new StringBuilder(96).append("[lifeline] level=").append(level.name().toLowerCase())
                .append(" event=").append(event);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            b.append(' ').append(fields[i]).append('=');
            appendValue(b, fields[i + 1]);
        }
        return b.toString();
    }

    private static void appendValue(StringBuilder b, Object value) {
        String s = value instanceof Throwable ? describe((Throwable) value) : String.valueOf(value);
        boolean quote = s.isEmpty();
        for (int i = 0; i < s.length() && !quote; i++) {
            char c = s.charAt(i);
            quote = c <= ' ' || c == '"' || c == '=';
        }
        if (!quote) {
            b.append(s);
            return;
        }
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c < ' ') {
                b.append(' ');
            } else {
                b.append(c);
            }
        }
        b.append('"');
    }

    private static String describe(Throwable t) {
        return t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
