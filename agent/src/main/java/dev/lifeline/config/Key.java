package dev.lifeline.config;

import dev.lifeline.report.Log;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Every setting Lifeline knows, with its type and built-in default. The single list that validation, explain and docs use. */
public final class Key {
    public enum Type { MODE, DURATION, COUNT, BOOLEAN, LEVEL, PATH }

    /** JSch takes these as {@code int} milliseconds ({@code setServerAliveInterval}, {@code connect(int)}, socket timeouts). */
    static final long MAX_INT_MILLIS = Integer.MAX_VALUE;
    /** Linux {@code TCP_KEEPIDLE} and {@code TCP_KEEPINTVL}: 1 to 32767 seconds ({@code MAX_TCP_KEEPIDLE}). */
    static final long MAX_TCP_SECONDS = 32767;
    /** Linux {@code TCP_KEEPCNT}: 1 to 127 ({@code MAX_TCP_KEEPCNT}). */
    static final int MAX_TCP_COUNT = 127;

    public static final Key MODE = new Key("mode", Type.MODE, "fill", true);
    public static final Key KEEPALIVE_INTERVAL = new Key("keepalive.interval", Type.DURATION, "15s", true)
            .intMillis("JSch's setServerAliveInterval");
    public static final Key KEEPALIVE_COUNT_MAX = new Key("keepalive.countMax", Type.COUNT, "3", true);
    public static final Key TCP_KEEPALIVE = new Key("tcp.keepalive", Type.BOOLEAN, "true", true);
    public static final Key TCP_KEEPALIVE_IDLE = new Key("tcp.keepalive.idle", Type.DURATION, "60s", true)
            .tcpSeconds("TCP_KEEPIDLE");
    public static final Key TCP_KEEPALIVE_INTERVAL = new Key("tcp.keepalive.interval", Type.DURATION, "10s", true)
            .tcpSeconds("TCP_KEEPINTVL");
    public static final Key TCP_KEEPALIVE_COUNT = new Key("tcp.keepalive.count", Type.COUNT, "3", true)
            .maxCount(MAX_TCP_COUNT, "Linux TCP_KEEPCNT");
    public static final Key CONNECT_TIMEOUT = new Key("connect.timeout", Type.DURATION, "30s", true)
            .intMillis("JSch's connect(int) and socket timeouts");
    public static final Key EXEC_TIMEOUT = new Key("exec.timeout", Type.DURATION, "0", true);
    public static final Key EXEC_IDLE_TIMEOUT = new Key("exec.idleTimeout", Type.DURATION, "0", true);
    public static final Key EXEC_KILL_GRACE = new Key("exec.killGrace", Type.DURATION, "2s", true);
    public static final Key CLOSE_TIMEOUT = new Key("close.timeout", Type.DURATION, "5s", true);
    public static final Key FAIL_ON_CONFIG_ERROR = new Key("failOnConfigError", Type.BOOLEAN, "false", false);
    public static final Key LOG_COMMANDS = new Key("log.commands", Type.BOOLEAN, "false", false);
    public static final Key LOG_LEVEL = new Key("log.level", Type.LEVEL, "info", false);
    public static final Key LOG_FILE = new Key("log.file", Type.PATH, "", false);
    public static final Key JMX_ENABLED = new Key("jmx.enabled", Type.BOOLEAN, "true", false);
    public static final Key JMX_WRITABLE = new Key("jmx.writable", Type.BOOLEAN, "false", false);
    public static final Key CONFIG_RELOAD_INTERVAL = new Key("config.reloadInterval", Type.DURATION, "10s", false);
    public static final Key WATCHDOG_THRESHOLD = new Key("watchdog.threshold", Type.DURATION, "0", false);

    private static final Map<String, Key> ALL;

    static {
        Map<String, Key> m = new LinkedHashMap<String, Key>();
        for (Key k : new Key[]{MODE, KEEPALIVE_INTERVAL, KEEPALIVE_COUNT_MAX, TCP_KEEPALIVE, TCP_KEEPALIVE_IDLE,
                TCP_KEEPALIVE_INTERVAL, TCP_KEEPALIVE_COUNT, CONNECT_TIMEOUT, EXEC_TIMEOUT, EXEC_IDLE_TIMEOUT,
                EXEC_KILL_GRACE, CLOSE_TIMEOUT, FAIL_ON_CONFIG_ERROR, LOG_COMMANDS, LOG_LEVEL, LOG_FILE, JMX_ENABLED,
                JMX_WRITABLE, CONFIG_RELOAD_INTERVAL, WATCHDOG_THRESHOLD}) {
            m.put(k.name, k);
        }
        ALL = Collections.unmodifiableMap(m);
    }

    public final String name;
    public final Type type;
    public final String defaultText;
    /** Whether {@code host.<name>.<key>} may set it. */
    public final boolean perHost;
    /** Largest duration a consumer can take; {@link Durations#MAX_MILLIS} unless narrowed. */
    private long maxMillis = Durations.MAX_MILLIS;
    /** A kernel socket option in whole seconds, 1 to {@link #MAX_TCP_SECONDS}: names the option, else null. */
    private String tcpOption;
    /** Who takes the value as int milliseconds, when {@link #maxMillis} is narrowed for that. */
    private String intMillisConsumer;
    private int maxCount = 1000;
    private String countConsumer;

    private Key(String name, Type type, String defaultText, boolean perHost) {
        this.name = name;
        this.type = type;
        this.defaultText = defaultText;
        this.perHost = perHost;
    }

    private Key intMillis(String consumer) {
        maxMillis = MAX_INT_MILLIS;
        intMillisConsumer = consumer;
        return this;
    }

    private Key tcpSeconds(String option) {
        maxMillis = MAX_TCP_SECONDS * 1000;
        tcpOption = option;
        return this;
    }

    private Key maxCount(int max, String consumer) {
        maxCount = max;
        countConsumer = consumer;
        return this;
    }

    public static Map<String, Key> all() {
        return ALL;
    }

    public static Key named(String name) {
        return ALL.get(name);
    }

    /** What the value must look like, for error messages. */
    public String accepted() {
        switch (type) {
            case MODE:
                return "fill, enforce, audit or off";
            case DURATION:
                if (tcpOption != null) {
                    return "a whole number of seconds from 1 to " + MAX_TCP_SECONDS + " (Linux " + tcpOption
                            + "), with unit ms, s, m or h (60s, 2m, 1h, 5000ms) or a bare number of seconds";
                }
                if (intMillisConsumer != null) {
                    return Durations.ACCEPTED + "; for this key at most " + MAX_INT_MILLIS + "ms (596h 31m 23s: "
                            + intMillisConsumer + " takes int milliseconds)";
                }
                return Durations.ACCEPTED;
            case COUNT:
                return "a whole number from 1 to " + maxCount + (countConsumer == null ? "" : " (" + countConsumer + ")");
            case LEVEL:
                return "debug, info, warn or error";
            case PATH:
                return "a file path (absolute, or relative to the JVM's working directory), or empty for stderr";
            default:
                return "true or false (yes/no)";
        }
    }

    /** @throws IllegalArgumentException naming what is wrong */
    public Object parse(String raw) {
        String v = raw.trim();
        // if, not switch: a switch on an enum loads a synthetic class (Key$1), in premain
        if (type == Type.MODE) {
            for (Mode m : Mode.values()) {
                if (m.label().equalsIgnoreCase(v)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("not a mode");
        }
        if (type == Type.DURATION) {
            long millis = Durations.parseMillis(v);
            if (tcpOption != null) {
                if (millis == 0) {
                    throw new IllegalArgumentException("0 is not accepted: the kernel takes 1 to " + MAX_TCP_SECONDS
                            + " seconds (to turn TCP keepalive off: tcp.keepalive = false)");
                }
                if (millis % 1000 != 0) {
                    throw new IllegalArgumentException("must be a whole number of seconds (" + tcpOption
                            + " counts in seconds)");
                }
            }
            if (millis > maxMillis) {
                throw new IllegalArgumentException("too large for " + (tcpOption != null ? "Linux " + tcpOption
                        : intMillisConsumer) + " (at most " + (tcpOption != null ? MAX_TCP_SECONDS + "s"
                        : MAX_INT_MILLIS + "ms") + ")");
            }
            return millis;
        }
        if (type == Type.COUNT) {
            if (v.startsWith("-")) {
                throw new IllegalArgumentException("negative count");
            }
            if (!isWholeNumber(v, 9)) {
                throw new IllegalArgumentException("not a whole number");
            }
            int n = Integer.parseInt(v);
            if (n < 1 || n > maxCount) {
                throw new IllegalArgumentException("out of range");
            }
            return n;
        }
        if (type == Type.LEVEL) {
            for (Log.Level l : Log.Level.values()) {
                if (l.name().equalsIgnoreCase(v)) {
                    return l;
                }
            }
            throw new IllegalArgumentException("not a log level");
        }
        if (type == Type.PATH) {
            for (int i = 0; i < v.length(); i++) {
                if (v.charAt(i) < ' ' || v.charAt(i) == 0x7f) {
                    throw new IllegalArgumentException("control character in path");
                }
            }
            return v;
        }
        String b = v.toLowerCase(Locale.ROOT); // BOOLEAN
        if (b.equals("true") || b.equals("yes")) {
            return Boolean.TRUE;
        }
        if (b.equals("false") || b.equals("no")) {
            return Boolean.FALSE;
        }
        throw new IllegalArgumentException("not a boolean");
    }

    /** ASCII digits only, at most {@code maxDigits}: a regex here would cost start-up time (it runs in premain). */
    static boolean isWholeNumber(String v, int maxDigits) {
        if (v.isEmpty() || v.length() > maxDigits) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Values printed back in the syntax they are written in. */
    public String format(Object value) {
        if (type == Type.DURATION) {
            return Durations.format((Long) value);
        }
        if (type == Type.MODE) {
            return ((Mode) value).label();
        }
        if (type == Type.LEVEL) {
            return ((Log.Level) value).name().toLowerCase(Locale.ROOT);
        }
        return String.valueOf(value);
    }

    /** The environment variable that overrides this key: dots become underscores, upper case. */
    public String envName() {
        return "LIFELINE_" + name.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return name;
    }
}
