package dev.lifeline.config;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the layers (the file, the agent argument's items, {@code LIFELINE_*} variables, {@code lifeline.*} properties,
 * each replacing the one before key by key), validates every entry and collects every error; never stops at the
 * first. premain runs this with a file, interpreted: a layer with nothing in it loads no class of its own, nor does a
 * configuration without rules ({@link RuleEntries}) or without anything to correct ({@link Suggestions}).
 */
final class ConfigLoader {
    static final String ENVIRONMENT_PREFIX = "LIFELINE_";
    /** Said of an unknown key: what the agent does with it (nothing) and with the rest (applies it). */
    static final String IGNORED = ", ignored (the rest applies; a newer Lifeline's key?)";
    private final String agentArgs;
    private final Map<String, String> systemProperties;
    private final Map<String, String> environment;
    final List<ConfigError> errors = new ArrayList<ConfigError>();
    final List<ConfigWarning> warnings = new ArrayList<ConfigWarning>();
    /** Environment variables and system properties taken as settings: "environment LIFELINE_MODE -> mode". */
    private final List<String> applied = new ArrayList<String>();
    /** Every entry, by key: insertion order (first appearance) fixes rule order; a later layer replaces the value. */
    private final Map<String, String> values = new LinkedHashMap<String, String>();
    private final Map<String, Origin> origins = new HashMap<String, Origin>();
    private String file;
    /** CRC-32 of the file's bytes as parsed, or -1 when none were read. */
    long fileCrc = -1;

    ConfigLoader(String agentArgs, Map<String, String> systemProperties, Map<String, String> environment) {
        this.agentArgs = agentArgs;
        this.systemProperties = systemProperties == null ? new HashMap<String, String>() : systemProperties;
        this.environment = environment == null ? new HashMap<String, String>() : environment;
    }

    /** The file named directly (as {@code check} does), not through an agent argument: no splitting at commas. */
    static ConfigLoader forFile(String file, Map<String, String> systemProperties, Map<String, String> environment) {
        ConfigLoader l = new ConfigLoader(null, systemProperties, environment);
        l.file = file;
        return l;
    }

    /** One entry of a layer; the same key from a later layer replaces it. */
    void put(String key, String value, Origin origin) {
        values.put(key, value);
        origins.put(key, origin);
    }

    Config load() {
        AgentArgument argument = AgentArgument.parse(agentArgs, errors);
        if (argument.file != null) {
            file = argument.file;
        }
        if (file != null) {
            ConfigFile.read(file, this);
        }
        if (!argument.items.isEmpty()) {
            Origin fromArgument = Origin.agentArgument();
            for (Map.Entry<String, String> item : argument.items.entrySet()) {
                put(item.getKey(), item.getValue(), fromArgument);
            }
        }
        if (anyVariableOfOurs()) { // usually none: then EnvironmentLayer is not loaded
            EnvironmentLayer.read(environment, this);
        }
        if (!systemProperties.isEmpty()) {
            SystemPropertyLayer.read(systemProperties, this);
        }

        Map<Key, Setting> global = Config.defaultSettings();
        RuleEntries rules = null;
        for (Map.Entry<String, String> entry : values.entrySet()) {
            String key = entry.getKey();
            Origin origin = origins.get(key);
            if (origin.layer == Origin.ENVIRONMENT || origin.layer == Origin.SYSTEM_PROPERTY) {
                applied.add(origin.describe() + " -> " + key);
            }
            if (key.startsWith(RuleEntries.HOST_PREFIX)) {
                if (rules == null) {
                    rules = new RuleEntries(this);
                }
                rules.accept(key, entry.getValue(), origin);
            } else {
                acceptGlobal(key, entry.getValue(), origin, global);
            }
        }
        List<HostRule> complete = rules == null ? new ArrayList<HostRule>() : rules.complete();
        checkLogFileIsNotTheConfigFile(global.get(Key.LOG_FILE));
        return new Config(file, global, complete, errors, warnings, applied, fileCrc);
    }

    private boolean anyVariableOfOurs() {
        for (String name : environment.keySet()) { // not entrySet(): 6 more non-CDS classes of System.getenv()'s map
            if (name.startsWith(ENVIRONMENT_PREFIX)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A key Lifeline knows: the value of any other is never shown (an app's file given by mistake holds other tools'
     * secrets). Called on the error paths only.
     */
    static boolean known(String key) {
        String prefix = RuleEntries.HOST_PREFIX; // a constant: loads no RuleEntries
        String sub = key.startsWith(prefix) ? key.substring(key.indexOf('.', prefix.length()) + 1) : null;
        return Key.named(key) != null || (sub != null && !sub.equals(key) && (sub.equals("match") || Key.named(sub) != null));
    }

    private void acceptGlobal(String key, String value, Origin origin, Map<Key, Setting> global) {
        Key k = Key.named(key);
        if (k == null) {
            // version skew: a newer Lifeline's key must not disable an older one; no value shown (another tool's secret?)
            warnings.add(new ConfigWarning(ConfigWarning.UNKNOWN_KEY, origin, key, "unknown key" + IGNORED
                    + Suggestions.suggestion(key, Key.all().keySet()) + "; accepted: one of " + Key.all().keySet()
                    + " or host.<name>.<key>"));
            return;
        }
        Object v = parse(key, value, origin, k);
        if (v != null) {
            global.put(k, new Setting(k, v, origin));
        }
    }

    /** The value of {@code k}, or null after adding the error that says why it is not one. */
    Object parse(String key, String value, Origin origin, Key k) {
        try {
            return k.parse(value);
        } catch (IllegalArgumentException e) {
            errors.add(new ConfigError(origin, key, value, e.getMessage() + "; accepted: " + k.accepted()));
            return null;
        }
    }

    /** Logging into the file it reads makes Lifeline feed itself: every line changes the file, which is re-read... */
    private void checkLogFileIsNotTheConfigFile(Setting logFile) {
        String log = (String) logFile.value;
        if (file == null || log.isEmpty()) {
            return;
        }
        try {
            if (new File(log).getCanonicalFile().equals(new File(file).getCanonicalFile())) {
                errors.add(new ConfigError(logFile.origin, Key.LOG_FILE.name, log, "is the configuration file " + file
                        + " itself: Lifeline would write its log into the file it reads and re-reads on change;"
                        + " accepted: a file path other than the configuration file, or empty for stderr"));
            }
        } catch (IOException e) {
            // a path that cannot be resolved cannot be the (readable) configuration file
        }
    }
}
