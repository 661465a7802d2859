package dev.lifeline.config;

import dev.lifeline.report.Log;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Every setting Lifeline knows, with its type and built-in default. The single list that validation, explain and docs use. */
public final class Key {
    // value types: ints, not an enum, whose class premain would load with every configuration (0.2-0.3 ms)
    private static final int MODES = 0;
    private static final int DURATIONS = 1;
    private static final int COUNTS = 2;
    private static final int BOOLEANS = 3;
    private static final int LEVELS = 4;
    private static final int PATHS = 5;

    /** JSch takes these as {@code int} milliseconds ({@code setServerAliveInterval}, {@code connect(int)}, socket timeouts). */
    static final long MAX_INT_MILLIS = Integer.MAX_VALUE;
    /** Linux {@code TCP_KEEPIDLE} and {@code TCP_KEEPINTVL}: 1 to 32767 seconds ({@code MAX_TCP_KEEPIDLE}). */
    static final long MAX_TCP_SECONDS = 32767;
    /** Linux {@code TCP_KEEPCNT}: 1 to 127 ({@code MAX_TCP_KEEPCNT}). */
    static final int MAX_TCP_COUNT = 127;

    public static final Key MODE = new Key("mode", MODES, "fill", true);
    public static final Key KEEPALIVE_INTERVAL = duration("keepalive.interval", "15s", 15000L, true)
            .intMillis("JSch's setServerAliveInterval");
    public static final Key KEEPALIVE_COUNT_MAX = new Key("keepalive.countMax", COUNTS, "3", true);
    public static final Key TCP_KEEPALIVE = new Key("tcp.keepalive", BOOLEANS, "true", true);
    public static final Key TCP_KEEPALIVE_IDLE = duration("tcp.keepalive.idle", "60s", 60000L, true)
            .tcpSeconds("TCP_KEEPIDLE");
    public static final Key TCP_KEEPALIVE_INTERVAL = duration("tcp.keepalive.interval", "10s", 10000L, true)
            .tcpSeconds("TCP_KEEPINTVL");
    public static final Key TCP_KEEPALIVE_COUNT = new Key("tcp.keepalive.count", COUNTS, "3", true)
            .maxCount(MAX_TCP_COUNT, "Linux TCP_KEEPCNT");
    public static final Key CONNECT_TIMEOUT = duration("connect.timeout", "30s", 30000L, true)
            .intMillis("JSch's connect(int) and socket timeouts");
    public static final Key EXEC_TIMEOUT = duration("exec.timeout", "0", 0L, true);
    public static final Key EXEC_IDLE_TIMEOUT = duration("exec.idleTimeout", "0", 0L, true);
    public static final Key EXEC_KILL_GRACE = duration("exec.killGrace", "2s", 2000L, true);
    public static final Key CLOSE_TIMEOUT = duration("close.timeout", "5s", 5000L, true);
    public static final Key FAIL_ON_CONFIG_ERROR = new Key("failOnConfigError", BOOLEANS, "false", false);
    public static final Key LOG_COMMANDS = new Key("log.commands", BOOLEANS, "false", false);
    public static final Key LOG_LEVEL = new Key("log.level", LEVELS, "info", false);
    public static final Key LOG_FILE = new Key("log.file", PATHS, "", false);
    public static final Key JMX_ENABLED = new Key("jmx.enabled", BOOLEANS, "true", false);
    public static final Key JMX_WRITABLE = new Key("jmx.writable", BOOLEANS, "false", false);
    public static final Key CONFIG_RELOAD_INTERVAL = duration("config.reloadInterval", "10s", 10000L, false);
    public static final Key WATCHDOG_THRESHOLD = duration("watchdog.threshold", "0", 0L, false);

    /**
     * Every key in order; never changed. An array for the defaults every start builds: a map's {@code values()} view
     * loads two JDK classes that are not in the CDS archive.
     */
    static final Key[] IN_ORDER = {MODE, KEEPALIVE_INTERVAL, KEEPALIVE_COUNT_MAX, TCP_KEEPALIVE, TCP_KEEPALIVE_IDLE,
            TCP_KEEPALIVE_INTERVAL, TCP_KEEPALIVE_COUNT, CONNECT_TIMEOUT, EXEC_TIMEOUT, EXEC_IDLE_TIMEOUT,
            EXEC_KILL_GRACE, CLOSE_TIMEOUT, FAIL_ON_CONFIG_ERROR, LOG_COMMANDS, LOG_LEVEL, LOG_FILE, JMX_ENABLED,
            JMX_WRITABLE, CONFIG_RELOAD_INTERVAL, WATCHDOG_THRESHOLD};
    private static final Map<String, Key> ALL;

    static {
        Map<String, Key> m = new LinkedHashMap<String, Key>();
        for (Key k : IN_ORDER) {
            m.put(k.name, k);
        }
        ALL = Collections.unmodifiableMap(m);
    }

    public final String name;
    private final int type;
    public final String defaultText;
    /** {@link #defaultText} parsed. */
    final Object defaultValue;
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

    private Key(String name, int type, String defaultText, Object defaultValue, boolean perHost) {
        this.name = name;
        this.type = type;
        this.defaultText = defaultText;
        this.perHost = perHost;
        this.defaultValue = defaultValue != null ? defaultValue : parse(defaultText);
    }

    private Key(String name, int type, String defaultText, boolean perHost) {
        this(name, type, defaultText, null, perHost);
    }

    /**
     * A duration with its default as written and in milliseconds (KeyTest checks that they agree): so the defaults,
     * which every start builds, parse no duration and do not load {@link Durations} in premain.
     */
    private static Key duration(String name, String defaultText, long defaultMillis, boolean perHost) {
        return new Key(name, DURATIONS, defaultText, defaultMillis, perHost);
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
            case MODES:
                return "fill, enforce, audit or off";
            case DURATIONS:
                if (tcpOption != null) {
                    return "a whole number of seconds from 1 to " + MAX_TCP_SECONDS + " (Linux " + tcpOption
                            + "), with unit ms, s, m or h (60s, 2m, 1h, 5000ms) or a bare number of seconds";
                }
                if (intMillisConsumer != null) {
                    return Durations.ACCEPTED + "; for this key at most " + MAX_INT_MILLIS + "ms (596h 31m 23s: "
                            + intMillisConsumer + " takes int milliseconds)";
                }
                return Durations.ACCEPTED;
            case COUNTS:
                return "a whole number from 1 to " + maxCount + (countConsumer == null ? "" : " (" + countConsumer + ")");
            case LEVELS:
                return "debug, info, warn or error";
            case PATHS:
                return "a file path (absolute, or relative to the JVM's working directory), or empty for stderr";
            default:
                return "true or false (yes/no)";
        }
    }

    /** @throws IllegalArgumentException naming what is wrong */
    public Object parse(String raw) {
        String v = raw.trim();
        if (type == MODES) {
            for (Mode m : Mode.values()) {
                if (m.label().equalsIgnoreCase(v)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("not a mode");
        }
        if (type == DURATIONS) {
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
        if (type == COUNTS) {
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
        if (type == LEVELS) {
            for (Log.Level l : Log.Level.values()) {
                if (l.name().equalsIgnoreCase(v)) {
                    return l;
                }
            }
            throw new IllegalArgumentException("not a log level");
        }
        if (type == PATHS) {
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
        if (type == DURATIONS) {
            return Durations.format((Long) value);
        }
        if (type == MODES) {
            return ((Mode) value).label();
        }
        if (type == LEVELS) {
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
