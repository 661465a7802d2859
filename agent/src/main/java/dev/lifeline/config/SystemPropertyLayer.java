package dev.lifeline.config;

import dev.lifeline.report.Faults;

import java.util.Map;
import java.util.TreeMap;

/**
 * The highest layer: {@code -Dlifeline.<key>=value} and {@code -Dlifeline.host.<name>.<key>=value}. A property that
 * names no key is another tool's or a typo: warned about and ignored, never disabling.
 */
final class SystemPropertyLayer {
    static final String PREFIX = "lifeline.";

    private SystemPropertyLayer() {
    }

    /** The {@code lifeline.*} entries of {@code properties}, sorted by name, to {@code into}. */
    static void read(Map<String, String> properties, ConfigLoader into) {
        for (Map.Entry<String, String> e : new TreeMap<String, String>(properties).entrySet()) {
            if (e.getKey().startsWith(PREFIX) && !e.getKey().equals(Faults.PROPERTY)) { // test-only switch, no key
                String key = e.getKey().substring(PREFIX.length());
                Origin origin = Origin.systemProperty(e.getKey());
                if (!namesAKey(key)) {
                    // another tool's property, or a typo: either way not worth leaving a JVM unprotected (or stopping it)
                    into.warnings.add(new ConfigWarning("config.unknown-property", origin, e.getKey(), "unknown property, ignored"
                            + Suggestions.closeSuggestion(key, Key.all().keySet()).replace("did you mean ", "did you mean " + PREFIX)
                            + "; accepted: lifeline.<key> (lifeline.keepalive.interval) or lifeline.host.<name>.<key>"));
                    continue;
                }
                into.put(key, e.getValue(), origin);
            }
        }
    }

    /** A global key, or host.NAME.match / host.NAME.KEY (a bad NAME or a global-only KEY is then an error). */
    private static boolean namesAKey(String key) {
        if (Key.named(key) != null) {
            return true;
        }
        if (!key.startsWith(RuleEntries.HOST_PREFIX)) {
            return false;
        }
        String rest = key.substring(RuleEntries.HOST_PREFIX.length());
        int dot = rest.indexOf('.');
        String sub = dot < 0 ? "" : rest.substring(dot + 1);
        return sub.equals("match") || Key.named(sub) != null;
    }
}
