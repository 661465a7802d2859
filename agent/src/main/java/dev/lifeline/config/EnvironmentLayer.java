package dev.lifeline.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The layer between the agent argument and the system properties: {@code LIFELINE_<KEY>} with dots as {@code _}
 * ({@code LIFELINE_KEEPALIVE_INTERVAL}) and {@code LIFELINE_HOST_<NAME>_<KEY>}. A variable that names no key
 * ({@code LIFELINE_HOME}) is an ops variable: warned about and ignored, never disabling.
 */
final class EnvironmentLayer {
    static final String PREFIX = ConfigLoader.ENVIRONMENT_PREFIX;

    private EnvironmentLayer() {
    }

    /** The {@code LIFELINE_*} variables of {@code environment}, sorted by name, to {@code into}. */
    static void read(Map<String, String> environment, ConfigLoader into) {
        Map<String, String> ours = new TreeMap<String, String>(); // sorted: only LIFELINE_*, not the whole environment
        for (String name : environment.keySet()) { // not entrySet(): 6 more non-CDS classes of System.getenv()'s map
            if (name.startsWith(PREFIX)) {
                ours.put(name, environment.get(name));
            }
        }
        for (Map.Entry<String, String> e : ours.entrySet()) {
            String name = e.getKey();
            String key = keyFor(name);
            Origin origin = Origin.environment(name);
            if (key == null) {
                // LIFELINE_HOME=/opt/lifeline and the like: an ops variable, not a setting; never disable for it
                into.warnings.add(new ConfigWarning("config.unknown-variable", origin, name, "unknown variable, ignored"
                        + Suggestions.closeSuggestion(name.substring(PREFIX.length()), suffixes()).replace("did you mean ",
                        "did you mean " + PREFIX) + "; accepted: LIFELINE_<KEY> with dots as _"
                        + " (LIFELINE_KEEPALIVE_INTERVAL) or LIFELINE_HOST_<NAME>_<KEY>"));
                continue;
            }
            into.put(key, e.getValue(), origin);
        }
    }

    /** The key a variable sets, or null: {@code LIFELINE_HOST_PROD_CONNECT_TIMEOUT} is {@code host.prod.connect.timeout}. */
    static String keyFor(String name) {
        for (Key k : Key.all().values()) {
            if (k.envName().equals(name)) {
                return k.name;
            }
        }
        String hostPrefix = PREFIX + "HOST_";
        if (name.startsWith(hostPrefix)) {
            String rest = name.substring(hostPrefix.length());
            String best = null;
            String bestSuffix = "";
            for (String sub : RuleEntries.subKeys()) {
                String suffix = "_" + sub.replace('.', '_').toUpperCase(Locale.ROOT);
                if (rest.endsWith(suffix) && rest.length() > suffix.length() && suffix.length() > bestSuffix.length()) {
                    best = sub;
                    bestSuffix = suffix;
                }
            }
            if (best != null) {
                String ruleName = rest.substring(0, rest.length() - bestSuffix.length()).toLowerCase(Locale.ROOT);
                return RuleEntries.HOST_PREFIX + ruleName + "." + best;
            }
        }
        return null;
    }

    private static List<String> suffixes() {
        List<String> names = new ArrayList<String>();
        for (Key k : Key.all().values()) {
            names.add(k.envName().substring(PREFIX.length()));
        }
        return names;
    }
}
