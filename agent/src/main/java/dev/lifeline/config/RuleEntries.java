package dev.lifeline.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code host.<name>.match} and {@code host.<name>.<key>} entries, checked and gathered into {@link HostRule}s in
 * the order their names first appear. Loaded only for a configuration that has a rule.
 */
final class RuleEntries {
    static final String HOST_PREFIX = "host.";

    private final ConfigLoader loader;
    private final Map<String, HostRule> rules = new LinkedHashMap<String, HostRule>();

    RuleEntries(ConfigLoader loader) {
        this.loader = loader;
    }

    /** What a rule accepts after its name: {@code match} and every per-host key. */
    static List<String> subKeys() {
        List<String> subs = new ArrayList<String>();
        subs.add("match");
        for (Key k : Key.all().values()) {
            if (k.perHost) {
                subs.add(k.name);
            }
        }
        return subs;
    }

    void accept(String key, String value, Origin origin) {
        String rest = key.substring(HOST_PREFIX.length());
        int dot = rest.indexOf('.');
        if (dot <= 0 || dot == rest.length() - 1) {
            loader.errors.add(new ConfigError(origin, key, null,
                    "incomplete rule key; accepted: host.<name>.match or host.<name>.<key>"));
            return;
        }
        String name = rest.substring(0, dot);
        String sub = rest.substring(dot + 1);
        if (!name.matches("[A-Za-z0-9_-]+")) {
            loader.errors.add(new ConfigError(origin, key, null,
                    "rule name '" + name + "' is not valid; accepted: letters, digits, _ and -"));
            return;
        }
        HostRule rule = rules.get(name);
        if (rule == null) {
            rule = new HostRule(name);
            rule.firstSeen = origin;
            rules.put(name, rule);
        }
        if (sub.equals("match")) {
            acceptMatch(key, value, origin, rule);
            return;
        }
        Key k = Key.named(sub);
        if (k == null) { // version skew, as for a global key: the rest of the rule and the file apply
            List<String> candidates = subKeys();
            loader.warnings.add(new ConfigWarning(ConfigWarning.UNKNOWN_KEY, origin, key, "unknown key" + ConfigLoader.IGNORED
                    + Suggestions.suggestion(sub, candidates) + "; accepted in a rule: " + candidates));
            return;
        }
        if (!k.perHost) {
            loader.errors.add(new ConfigError(origin, key, value, "'" + sub + "' is global only; accepted in a rule: " + subKeys()));
            return;
        }
        Object v = loader.parse(key, value, origin, k);
        if (v != null) {
            rule.settings.put(k, new Setting(k, v, origin));
        }
    }

    private void acceptMatch(String key, String value, Origin origin, HostRule rule) {
        rule.matchOrigin = origin;
        rule.matchText = value;
        String[] parts = value.trim().split("\\s+");
        if (value.trim().isEmpty()) {
            loader.errors.add(new ConfigError(origin, key, value, "empty match; accepted: " + HostPattern.ACCEPTED));
            return;
        }
        List<HostPattern> parsed = new ArrayList<HostPattern>();
        for (String p : parts) {
            try {
                HostPattern hp = HostPattern.parse(p);
                String network = hp.networkIfHostBitsSet();
                if (network != null) {
                    loader.warnings.add(new ConfigWarning("config.cidr-host-bits", origin, key, "'" + p + "' has host"
                            + " bits set: it means the network " + network + " (every address in it); write " + network
                            + ", or the address alone for one host"));
                }
                parsed.add(hp);
            } catch (IllegalArgumentException e) {
                loader.errors.add(new ConfigError(origin, key, value, "bad pattern " + e.getMessage()
                        + "; accepted: " + HostPattern.ACCEPTED));
                return;
            }
        }
        rule.patterns.addAll(parsed);
    }

    /** The rules with a valid match line, in order; a rule without one is an error, one that never matches a warning. */
    List<HostRule> complete() {
        List<HostRule> complete = new ArrayList<HostRule>();
        for (HostRule rule : rules.values()) {
            if (rule.matchOrigin == null) {
                loader.errors.add(new ConfigError(rule.firstSeen, HOST_PREFIX + rule.name + ".match", null,
                        "rule '" + rule.name + "' has no match line; accepted: " + HostPattern.ACCEPTED));
            } else if (!rule.patterns.isEmpty()) {
                complete.add(rule);
                if (onlyNegated(rule.patterns)) {
                    loader.warnings.add(new ConfigWarning("config.rule-never-matches", rule.matchOrigin, HOST_PREFIX
                            + rule.name + ".match", "\"" + rule.matchText + "\" has only negated patterns, so the rule can"
                            + " never match (as in OpenSSH, a host must match a positive pattern); to mean every host but"
                            + " these, write * first: \"* " + rule.matchText.trim() + "\""));
                }
            }
        }
        return complete;
    }

    private static boolean onlyNegated(List<HostPattern> patterns) {
        for (HostPattern p : patterns) {
            if (!p.negated) {
                return false;
            }
        }
        return true;
    }
}
