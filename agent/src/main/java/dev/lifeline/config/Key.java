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
    public static final Key KEEPALIVE_INTERVAL = new Key("keepalive.interval", DURATIONS, "15s", true)
            .intMillis("JSch's setServerAliveInterval");
    public static final Key KEEPALIVE_COUNT_MAX = new Key("keepalive.countMax", COUNTS, "3", true);
    public static final Key TCP_KEEPALIVE = new Key("tcp.keepalive", BOOLEANS, "true", true);
    public static final Key TCP_KEEPALIVE_IDLE = new Key("tcp.keepalive.idle", DURATIONS, "60s", true)
            .tcpSeconds("TCP_KEEPIDLE");
    public static final Key TCP_KEEPALIVE_INTERVAL = new Key("tcp.keepalive.interval", DURATIONS, "10s", true)
            .tcpSeconds("TCP_KEEPINTVL");
    public static final Key TCP_KEEPALIVE_COUNT = new Key("tcp.keepalive.count", COUNTS, "3", true)
            .maxCount(MAX_TCP_COUNT, "Linux TCP_KEEPCNT");
    public static final Key CONNECT_TIMEOUT = new Key("connect.timeout", DURATIONS, "30s", true)
            .intMillis("JSch's connect(int) and socket timeouts");
    public static final Key EXEC_TIMEOUT = new Key("exec.timeout", DURATIONS, "0", true);
    public static final Key EXEC_IDLE_TIMEOUT = new Key("exec.idleTimeout", DURATIONS, "0", true);
    public static final Key EXEC_KILL_GRACE = new Key("exec.killGrace", DURATIONS, "2s", true);
    public static final Key CLOSE_TIMEOUT = new Key("close.timeout", DURATIONS, "5s", true);
    public static final Key SFTP_TIMEOUT = new Key("sftp.timeout", DURATIONS, "0", true);
    /** Forwards: a locally forwarded connection with no data either way for this long is closed (0 = never). */
    public static final Key FORWARD_IDLE_TIMEOUT = new Key("forward.idleTimeout", DURATIONS, "0", true);
    public static final Key FAIL_ON_CONFIG_ERROR = new Key("failOnConfigError", BOOLEANS, "false", false);
    public static final Key LOG_COMMANDS = new Key("log.commands", BOOLEANS, "false", false);
    public static final Key LOG_LEVEL = new Key("log.level", LEVELS, "info", false);
    public static final Key LOG_FILE = new Key("log.file", PATHS, "", false);
    public static final Key JMX_ENABLED = new Key("jmx.enabled", BOOLEANS, "true", false);
    public static final Key JMX_WRITABLE = new Key("jmx.writable", BOOLEANS, "false", false);
    public static final Key CONFIG_RELOAD_INTERVAL = new Key("config.reloadInterval", DURATIONS, "10s", false);
    public static final Key WATCHDOG_THRESHOLD = new Key("watchdog.threshold", DURATIONS, "0", false);

    /**
     * Every key in order; never changed. An array for the defaults every start builds: a map's {@code values()} view
     * loads two JDK classes that are not in the CDS archive.
     */
    static final Key[] IN_ORDER = {MODE, KEEPALIVE_INTERVAL, KEEPALIVE_COUNT_MAX, TCP_KEEPALIVE, TCP_KEEPALIVE_IDLE,
            TCP_KEEPALIVE_INTERVAL, TCP_KEEPALIVE_COUNT, CONNECT_TIMEOUT, EXEC_TIMEOUT, EXEC_IDLE_TIMEOUT,
            EXEC_KILL_GRACE, CLOSE_TIMEOUT,
            SFTP_TIMEOUT, FORWARD_IDLE_TIMEOUT,
            FAIL_ON_CONFIG_ERROR, LOG_COMMANDS, LOG_LEVEL, LOG_FILE, JMX_ENABLED, JMX_WRITABLE,
            CONFIG_RELOAD_INTERVAL, WATCHDOG_THRESHOLD};
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

    private Key(String name, int type, String defaultText, boolean perHost) {
        this.name = name;
        this.type = type;
        this.defaultText = defaultText;
        this.perHost = perHost;
        this.defaultValue = parse(defaultText); // once: every start builds the defaults (twice with a file)
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
            long millis = parseMillis(v);
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

    /**
     * A duration as operators write it ({@link Durations}): here, with the other value syntaxes, not in
     * {@link Durations}, whose class premain would load for every duration a configuration sets.
     *
     * @throws IllegalArgumentException with the reason, when {@code text} is not a duration
     */
    static long parseMillis(String text) {
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
        if (millis > Durations.MAX_MILLIS) {
            throw new IllegalArgumentException("too large");
        }
        return millis;
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
