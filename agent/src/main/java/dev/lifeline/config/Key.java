package dev.lifeline.config;

import dev.lifeline.report.Log;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Every setting Lifeline knows, with its type and built-in default. The single list that validation, explain and docs use. */
public final class Key {
    public enum Type { MODE, DURATION, COUNT, BOOLEAN, LEVEL, PATH }

    public static final Key MODE = new Key("mode", Type.MODE, "fill", true);
    public static final Key KEEPALIVE_INTERVAL = new Key("keepalive.interval", Type.DURATION, "15s", true);
    public static final Key KEEPALIVE_COUNT_MAX = new Key("keepalive.countMax", Type.COUNT, "3", true);
    public static final Key TCP_KEEPALIVE = new Key("tcp.keepalive", Type.BOOLEAN, "true", true);
    public static final Key TCP_KEEPALIVE_IDLE = new Key("tcp.keepalive.idle", Type.DURATION, "60s", true);
    public static final Key TCP_KEEPALIVE_INTERVAL = new Key("tcp.keepalive.interval", Type.DURATION, "10s", true);
    public static final Key TCP_KEEPALIVE_COUNT = new Key("tcp.keepalive.count", Type.COUNT, "3", true);
    public static final Key CONNECT_TIMEOUT = new Key("connect.timeout", Type.DURATION, "30s", true);
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

    private static final Map<String, Key> ALL;

    static {
        Map<String, Key> m = new LinkedHashMap<String, Key>();
        for (Key k : new Key[]{MODE, KEEPALIVE_INTERVAL, KEEPALIVE_COUNT_MAX, TCP_KEEPALIVE, TCP_KEEPALIVE_IDLE,
                TCP_KEEPALIVE_INTERVAL, TCP_KEEPALIVE_COUNT, CONNECT_TIMEOUT, EXEC_TIMEOUT, EXEC_IDLE_TIMEOUT,
                EXEC_KILL_GRACE, CLOSE_TIMEOUT, FAIL_ON_CONFIG_ERROR, LOG_COMMANDS, LOG_LEVEL, LOG_FILE, JMX_ENABLED,
                JMX_WRITABLE, CONFIG_RELOAD_INTERVAL}) {
            m.put(k.name, k);
        }
        ALL = Collections.unmodifiableMap(m);
    }

    public final String name;
    public final Type type;
    public final String defaultText;
    /** Whether {@code host.<name>.<key>} may set it. */
    public final boolean perHost;

    private Key(String name, Type type, String defaultText, boolean perHost) {
        this.name = name;
        this.type = type;
        this.defaultText = defaultText;
        this.perHost = perHost;
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
                return Durations.ACCEPTED;
            case COUNT:
                return "a whole number from 1 to 1000";
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
        switch (type) {
            case MODE:
                for (Mode m : Mode.values()) {
                    if (m.label().equalsIgnoreCase(v)) {
                        return m;
                    }
                }
                throw new IllegalArgumentException("not a mode");
            case DURATION:
                return Durations.parseMillis(v);
            case COUNT:
                if (v.startsWith("-")) {
                    throw new IllegalArgumentException("negative count");
                }
                if (!isWholeNumber(v, 9)) {
                    throw new IllegalArgumentException("not a whole number");
                }
                int n = Integer.parseInt(v);
                if (n < 1 || n > 1000) {
                    throw new IllegalArgumentException("out of range");
                }
                return n;
            case LEVEL:
                for (Log.Level l : Log.Level.values()) {
                    if (l.name().equalsIgnoreCase(v)) {
                        return l;
                    }
                }
                throw new IllegalArgumentException("not a log level");
            case PATH:
                for (int i = 0; i < v.length(); i++) {
                    if (v.charAt(i) < ' ' || v.charAt(i) == 0x7f) {
                        throw new IllegalArgumentException("control character in path");
                    }
                }
                return v;
            default:
                String b = v.toLowerCase(Locale.ROOT);
                if (b.equals("true") || b.equals("yes")) {
                    return Boolean.TRUE;
                }
                if (b.equals("false") || b.equals("no")) {
                    return Boolean.FALSE;
                }
                throw new IllegalArgumentException("not a boolean");
        }
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
