package dev.lifeline.config;

import dev.lifeline.report.Log;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The whole loaded configuration: global values, host rules in file order, and every error found. Immutable;
 * {@link #policyFor} resolves and caches one {@link Policy} per (host, address, port).
 */
public final class Config {
    /** Enough for every host a JVM talks to; past this, policies are resolved but no longer cached. */
    private static final int CACHE_LIMIT = 10000;

    private final String file;
    private final Map<Key, Setting> global;
    private final List<HostRule> rules;
    private final List<ConfigError> errors;
    private final List<ConfigWarning> warnings;
    private final List<String> applied;
    /** CRC-32 of the bytes of the file it was parsed from, or -1 when none were read (see FileWatch.baselineAfter). */
    final long fileCrc;
    private final ConcurrentHashMap<String, Policy> cache = new ConcurrentHashMap<String, Policy>();

    Config(String file, Map<Key, Setting> global, List<HostRule> rules, List<ConfigError> errors) {
        this(file, global, rules, errors, Collections.<ConfigWarning>emptyList(), Collections.<String>emptyList(), -1);
    }

    Config(String file, Map<Key, Setting> global, List<HostRule> rules, List<ConfigError> errors,
           List<ConfigWarning> warnings, List<String> applied, long fileCrc) {
        this.file = file;
        this.fileCrc = fileCrc;
        this.global = Collections.unmodifiableMap(new LinkedHashMap<Key, Setting>(global));
        this.rules = Collections.unmodifiableList(new ArrayList<HostRule>(rules));
        this.errors = Collections.unmodifiableList(new ArrayList<ConfigError>(errors));
        this.warnings = Collections.unmodifiableList(new ArrayList<ConfigWarning>(warnings));
        this.applied = Collections.unmodifiableList(new ArrayList<String>(applied));
    }

    /**
     * Layers, highest first: system property {@code lifeline.<key>}, environment {@code LIFELINE_<KEY>}, the
     * {@code key=value} items of the agent argument, the file named by its first item, built-in defaults. Never throws.
     */
    public static Config load(String agentArgs, Map<String, String> systemProperties, Map<String, String> environment) {
        try {
            return new ConfigLoader(agentArgs, systemProperties, environment).load();
        } catch (Throwable t) {
            List<ConfigError> e = new ArrayList<ConfigError>();
            e.add(new ConfigError(Origin.agentArgument(), "configuration", agentArgs,
                    "could not be read (" + t + "); accepted: see src/docs/settings.md"));
            return new Config(null, defaultSettings(), Collections.<HostRule>emptyList(), e);
        }
    }

    /**
     * {@code file} named directly, as {@code check} names it (no agent-argument parsing: commas and {@code =} in the
     * path are plain characters), with the same system-property and environment layers as {@link #load}.
     */
    public static Config loadFile(String file, Map<String, String> systemProperties, Map<String, String> environment) {
        try {
            return ConfigLoader.forFile(file, systemProperties, environment).load();
        } catch (Throwable t) {
            List<ConfigError> e = new ArrayList<ConfigError>();
            e.add(new ConfigError(Origin.fileItself(file), "configuration", file,
                    "could not be read (" + t + "); accepted: see src/docs/settings.md"));
            return new Config(file, defaultSettings(), Collections.<HostRule>emptyList(), e);
        }
    }

    public static Config defaults() {
        return new Config(null, defaultSettings(), Collections.<HostRule>emptyList(), Collections.<ConfigError>emptyList());
    }

    static Map<Key, Setting> defaultSettings() {
        Map<Key, Setting> m = new LinkedHashMap<Key, Setting>();
        for (Key k : Key.IN_ORDER) {
            m.put(k, Setting.defaultOf(k));
        }
        return m;
    }

    public List<ConfigError> errors() {
        return errors;
    }

    /** What start-up ignores but reports (unknown LIFELINE_* variables, a rule that can never match...): never disabling. */
    public List<ConfigWarning> warnings() {
        return warnings;
    }

    /** The environment variables and system properties taken as settings, as "environment LIFELINE_MODE -> mode". */
    public List<String> appliedFromOutside() {
        return applied;
    }

    public boolean failOnConfigError() {
        return (Boolean) global.get(Key.FAIL_ON_CONFIG_ERROR).value;
    }

    public String file() {
        return file;
    }

    public Mode mode() {
        return (Mode) global.get(Key.MODE).value;
    }

    public Log.Level logLevel() {
        return (Log.Level) global.get(Key.LOG_LEVEL).value;
    }

    /** The log file, or "" for stderr. */
    public String logFile() {
        return (String) global.get(Key.LOG_FILE).value;
    }

    public boolean jmxEnabled() {
        return (Boolean) global.get(Key.JMX_ENABLED).value;
    }

    /** How often the file is checked for changes; 0 = never (JMX reload only). */
    public long reloadIntervalMillis() {
        return (Long) global.get(Key.CONFIG_RELOAD_INTERVAL).value;
    }

    /** {@code watchdog.threshold}: 0 when off. */
    public long watchdogThresholdMillis() {
        return (Long) global.get(Key.WATCHDOG_THRESHOLD).value;
    }

    public boolean jmxWritable() {
        return (Boolean) global.get(Key.JMX_WRITABLE).value;
    }

    /**
     * This configuration with one global value replaced, for a runtime change (a JMX operation) that lasts until the
     * next reload. {@code source} says who changed it, as sources do in {@code explain}.
     *
     * @throws IllegalArgumentException with the same message a file line would get
     */
    public Config withGlobal(Key key, String raw, String source) {
        Object v;
        try {
            v = key.parse(raw == null ? "" : raw);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key.name + " = \"" + raw + "\": " + e.getMessage() + "; accepted: "
                    + key.accepted());
        }
        Map<Key, Setting> changed = new LinkedHashMap<Key, Setting>(global);
        changed.put(key, new Setting(key, v, Origin.runtime(source)));
        return new Config(file, changed, rules, errors, warnings, applied, fileCrc);
    }

    public int ruleCount() {
        return rules.size();
    }

    public List<HostRule> rules() {
        return rules;
    }

    /** Global value of {@code key} in file syntax, and where it came from. */
    public String globalValue(String key) {
        Setting s = global.get(Key.named(key));
        return s == null ? null : s.key.format(s.value);
    }

    public String globalSource(String key) {
        Setting s = global.get(Key.named(key));
        return s == null ? null : s.origin.describe();
    }

    /** Names of the rules that match, in file order. */
    public List<String> matchingRules(String host, InetAddress address, int port) {
        List<String> names = new ArrayList<String>();
        for (HostRule r : rules) {
            if (r.matches(host, address, port)) {
                names.add(r.name);
            }
        }
        return names;
    }

    public Policy policyFor(String host, InetAddress address, int port) {
        String cacheKey = host + '|' + (address == null ? "" : address.getHostAddress()) + '|' + port;
        Policy p = cache.get(cacheKey);
        if (p == null) {
            p = resolve(host, address, port);
            if (cache.size() < CACHE_LIMIT) {
                cache.putIfAbsent(cacheKey, p);
            }
        }
        return p;
    }

    private Policy resolve(String host, InetAddress address, int port) {
        List<HostRule> matching = new ArrayList<HostRule>();
        for (HostRule r : rules) {
            if (r.matches(host, address, port)) {
                matching.add(r);
            }
        }
        Map<Key, Object> values = new LinkedHashMap<Key, Object>();
        Map<Key, String> sources = new LinkedHashMap<Key, String>();
        Set<String> contributing = new LinkedHashSet<String>();
        for (Key k : Key.all().values()) {
            if (!k.perHost) {
                // global-only keys (log.commands...) ride along so deadline code reads one object
                values.put(k, global.get(k).value);
                sources.put(k, global.get(k).origin.describe());
                continue;
            }
            Setting chosen = null;
            for (HostRule r : matching) {
                Setting s = r.settings.get(k);
                if (s != null) {
                    chosen = s;
                    contributing.add(r.name);
                    sources.put(k, r.describe(s));
                    break;
                }
            }
            if (chosen == null) {
                chosen = global.get(k);
                sources.put(k, chosen.origin.describe());
            }
            values.put(k, chosen.value);
        }
        if (mode() == Mode.OFF) {
            // the global kill switch wins over every rule
            values.put(Key.MODE, Mode.OFF);
            sources.put(Key.MODE, global.get(Key.MODE).origin.describe() + " (global off wins)");
        }
        String ruleNames = contributing.isEmpty() ? "global" : join(contributing);
        return new Policy(host, port, values, sources, ruleNames);
    }

    private static String join(Set<String> names) {
        StringBuilder b = new StringBuilder();
        for (String n : names) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(n);
        }
        return b.toString();
    }
}
