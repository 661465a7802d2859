package dev.lifeline.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code host.<name>.*}: patterns plus the keys the rule sets. For each key the first matching rule that sets it wins. */
public final class HostRule {
    final String name;
    final List<HostPattern> patterns = new ArrayList<HostPattern>();
    final Map<Key, Setting> settings = new LinkedHashMap<Key, Setting>();
    String matchText;
    Origin matchOrigin;
    /** The first line that named the rule, valid or not: where a missing match line is reported. */
    Origin firstSeen;

    HostRule(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public String match() {
        return matchText;
    }

    public Map<String, String> values() {
        Map<String, String> out = new LinkedHashMap<String, String>();
        for (Setting s : settings.values()) {
            out.put(s.key.name, s.key.format(s.value));
        }
        return Collections.unmodifiableMap(out);
    }

    /** Where the match line came from. */
    public String matchSource() {
        return matchOrigin == null ? "" : matchOrigin.describe();
    }

    /** Where the rule's value of {@code key} came from, or null when the rule does not set it. */
    public String source(String key) {
        Setting s = settings.get(Key.named(key));
        return s == null ? null : s.origin.describe();
    }

    /** OpenSSH semantics: some positive pattern matches and no negated one does. */
    boolean matches(String host, InetAddress address, int port) {
        byte[] literal = host == null ? null : HostPattern.ipLiteral(host.startsWith("[") && host.endsWith("]")
                ? host.substring(1, host.length() - 1) : host);
        byte[] addr = literal != null ? literal : address == null ? null : address.getAddress();
        boolean positive = false;
        for (HostPattern p : patterns) {
            if (p.matches(host, addr, port)) {
                if (p.negated) {
                    return false;
                }
                positive = true;
            }
        }
        return positive;
    }

    String describe(Setting s) {
        return "rule " + name + " (" + s.origin.describe() + ")";
    }
}
