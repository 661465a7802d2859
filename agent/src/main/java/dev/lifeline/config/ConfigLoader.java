package dev.lifeline.config;

import dev.lifeline.report.Faults;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/** Reads the layers, validates every entry and collects every error. Never stops at the first. */
final class ConfigLoader {
    static final long MAX_FILE_BYTES = 1024 * 1024;
    private static final String SYSPROP_PREFIX = "lifeline.";
    private static final String ENV_PREFIX = "LIFELINE_";
    private static final String HOST_PREFIX = "host.";

    /** A key=value as written, before validation. */
    private static final class Raw {
        final String key;
        final String value;
        final Origin origin;

        Raw(String key, String value, Origin origin) {
            this.key = key;
            this.value = value;
            this.origin = origin;
        }
    }

    private final String agentArgs;
    private final Map<String, String> systemProperties;
    private final Map<String, String> environment;
    private final List<ConfigError> errors = new ArrayList<ConfigError>();
    private final List<ConfigWarning> warnings = new ArrayList<ConfigWarning>();
    /** Environment variables and system properties taken as settings: "environment LIFELINE_MODE -> mode". */
    private final List<String> applied = new ArrayList<String>();
    private String file;
    private long fileCrc = -1;

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

    Config load() {
        // later layers replace earlier ones key by key; insertion order (first appearance) fixes rule order
        Map<String, Raw> merged = new LinkedHashMap<String, Raw>();
        List<Raw> argumentItems = parseAgentArgs();
        if (file != null) {
            for (Raw r : readFile(file)) {
                merged.put(r.key, r);
            }
        }
        for (Raw r : argumentItems) {
            merged.put(r.key, r);
        }
        for (Raw r : fromEnvironment()) {
            merged.put(r.key, r);
        }
        for (Raw r : fromSystemProperties()) {
            merged.put(r.key, r);
        }

        Map<Key, Setting> global = Config.defaultSettings();
        Map<String, HostRule> rules = new LinkedHashMap<String, HostRule>();
        for (Raw r : merged.values()) {
            if (r.origin.layer == Origin.ENVIRONMENT || r.origin.layer == Origin.SYSTEM_PROPERTY) {
                applied.add(r.origin.describe() + " -> " + r.key);
            }
            if (r.key.startsWith(HOST_PREFIX)) {
                acceptRuleEntry(r, rules);
            } else {
                acceptGlobal(r, global);
            }
        }
        List<HostRule> complete = new ArrayList<HostRule>();
        for (HostRule rule : rules.values()) {
            if (rule.matchOrigin == null) {
                errors.add(new ConfigError(rule.firstSeen,
                        HOST_PREFIX + rule.name + ".match", null,
                        "rule '" + rule.name + "' has no match line; accepted: " + HostPattern.ACCEPTED));
            } else if (!rule.patterns.isEmpty()) {
                complete.add(rule);
                if (onlyNegated(rule.patterns)) {
                    warnings.add(new ConfigWarning("config.rule-never-matches", rule.matchOrigin, HOST_PREFIX + rule.name
                            + ".match", "\"" + rule.matchText + "\" has only negated patterns, so the rule can never match"
                            + " (as in OpenSSH, a host must match a positive pattern); to mean every host but these,"
                            + " write * first: \"* " + rule.matchText.trim() + "\""));
                }
            }
        }
        checkLogFileIsNotTheConfigFile(global.get(Key.LOG_FILE));
        return new Config(file, global, complete, errors, warnings, applied, fileCrc);
    }

    private static boolean onlyNegated(List<HostPattern> patterns) {
        for (HostPattern p : patterns) {
            if (!p.negated) {
                return false;
            }
        }
        return true;
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

    /** The file an agent argument names, by the rules of {@link #parseAgentArgs()}; null when it names none. */
    static String fileOf(String agentArgs) {
        if (agentArgs == null) {
            return null;
        }
        int start = 0;
        String first = null;
        while (start <= agentArgs.length()) {
            int comma = agentArgs.indexOf(',', start);
            String item = agentArgs.substring(start, comma < 0 ? agentArgs.length() : comma).trim();
            if (item.startsWith(FILE_ITEM)) {
                String path = agentArgs.substring(agentArgs.indexOf(FILE_ITEM, start) + FILE_ITEM.length()).trim();
                return path.isEmpty() ? first : path;
            }
            if (start == 0 && !item.isEmpty() && item.indexOf('=') < 0) {
                first = item;
            }
            if (comma < 0) {
                break;
            }
            start = comma + 1;
        }
        return first;
    }

    /**
     * {@code FILE[,key=value...]}, or {@code [key=value,...]file=PATH}: a {@code file=} item ends the argument and its
     * path is the rest of it, commas and {@code =} included (the way to name a path that holds them).
     */
    private List<Raw> parseAgentArgs() {
        List<Raw> out = new ArrayList<Raw>();
        if (agentArgs == null || agentArgs.trim().isEmpty()) {
            return out;
        }
        String items = agentArgs;
        String fileItem = null;
        int start = 0;
        while (start <= agentArgs.length()) {
            int comma = agentArgs.indexOf(',', start);
            String item = agentArgs.substring(start, comma < 0 ? agentArgs.length() : comma).trim();
            if (item.startsWith(FILE_ITEM)) {
                items = agentArgs.substring(0, start);
                fileItem = agentArgs.substring(agentArgs.indexOf(FILE_ITEM, start) + FILE_ITEM.length()).trim();
                break;
            }
            if (comma < 0) {
                break;
            }
            start = comma + 1;
        }
        String[] parts = items.split(",");
        java.util.Set<String> keys = new java.util.HashSet<String>();
        for (int i = 0; i < parts.length; i++) {
            String item = parts[i].trim();
            if (item.isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq < 0) {
                if (i == 0) {
                    file = item;
                } else {
                    errors.add(new ConfigError(Origin.agentArgument(), item, null, "expected key=value" + ARGUMENT_ACCEPTED));
                }
                continue;
            }
            String key = item.substring(0, eq).trim();
            if (key.indexOf('/') >= 0 || key.indexOf('\\') >= 0) {
                errors.add(new ConfigError(Origin.agentArgument(), key, item.substring(eq + 1).trim(),
                        "looks like a file path cut at '='" + ARGUMENT_ACCEPTED));
                continue;
            }
            if (!keys.add(key)) { // as in a file: which of two values was meant is not Lifeline's guess to make
                errors.add(new ConfigError(Origin.agentArgument(), key, item.substring(eq + 1).trim(),
                        "duplicate key in the agent argument; accepted: each key once"));
                continue;
            }
            out.add(new Raw(key, item.substring(eq + 1).trim(), Origin.agentArgument()));
        }
        if (fileItem != null) {
            if (fileItem.isEmpty()) {
                errors.add(new ConfigError(Origin.agentArgument(), "file", "", "no path after file=" + ARGUMENT_ACCEPTED));
            } else if (file != null) {
                errors.add(new ConfigError(Origin.agentArgument(), "file", fileItem, "a second file (the first item already"
                        + " named " + file + ")" + ARGUMENT_ACCEPTED));
            } else {
                file = fileItem;
            }
        }
        return out;
    }

    static final String FILE_ITEM = "file=";
    private static final String ARGUMENT_ACCEPTED = "; accepted: FILE[,key=value...] with the file first, or"
            + " [key=value,...]file=PATH with file= last, whose PATH is the rest of the argument (for a path with , or =)";

    private List<Raw> readFile(String path) {
        List<Raw> out = new ArrayList<Raw>();
        File f = new File(path);
        Origin whole = Origin.fileItself(path);
        String accepted = "; accepted: " + FILE_ACCEPTED;
        if (!f.isFile()) { // one java.io stat for a regular file (premain runs this interpreted); else say what it is
            if (!f.exists()) {
                errors.add(new ConfigError(whole, "file", path, "no such file" + accepted));
                return out;
            }
            if (f.isDirectory()) {
                errors.add(new ConfigError(whole, "file", path, "is a directory" + accepted));
                return out;
            }
            // opening a FIFO for reading blocks until a writer comes (JVM start-up would wait forever), /dev/zero
            // never ends
            if (!Files.isRegularFile(f.toPath())) {
                errors.add(new ConfigError(whole, "file", path, "is " + fileKind(f) + ", not a regular file"
                        + accepted));
                return out;
            }
        }
        if (f.length() > MAX_FILE_BYTES) {
            errors.add(new ConfigError(whole, "file", path, "too large (" + f.length() + " bytes)" + accepted));
            return out;
        }
        byte[] bytes;
        try {
            InputStream in = new FileInputStream(f); // not Files.newInputStream: its FileChannel classes are not in CDS
            try {
                bytes = readBounded(in, MAX_FILE_BYTES);
            } finally {
                in.close();
            }
        } catch (IOException e) {
            errors.add(new ConfigError(whole, "file", path, "cannot be read (" + e.getMessage() + ")" + accepted));
            return out;
        }
        if (bytes == null) {
            errors.add(new ConfigError(whole, "file", path, "too large (more than " + MAX_FILE_BYTES
                    + " bytes when read: it grew while being read)" + accepted));
            return out;
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length);
        fileCrc = crc.getValue();
        String text;
        try {
            text = isAscii(bytes) ? new String(bytes, StandardCharsets.ISO_8859_1) : StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            errors.add(new ConfigError(whole, "file", path, "not a text file (invalid UTF-8)" + accepted));
            return out;
        }
        if (text.indexOf('\0') >= 0) {
            errors.add(new ConfigError(whole, "file", path, "not a text file (contains NUL bytes)" + accepted));
            return out;
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        Map<String, Integer> firstLine = new HashMap<String, Integer>();
        List<String> lines = lines(text);
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = stripComment(lines.get(i)).trim();
            if (line.isEmpty()) {
                continue;
            }
            int sep = separator(line);
            Origin origin = Origin.file(path, lineNo);
            if (sep < 0) {
                errors.add(new ConfigError(origin, line, null, "no value; accepted: key = value"));
                continue;
            }
            String key = line.substring(0, sep).trim();
            String value = line.substring(sep + 1).trim();
            if (key.isEmpty()) {
                errors.add(new ConfigError(origin, "(empty key)", value, "a line must start with a key; accepted: key = value"));
                continue;
            }
            Integer earlier = firstLine.get(key);
            if (earlier != null) {
                errors.add(new ConfigError(origin, key, value, "duplicate key, already set on line " + earlier
                        + "; accepted: each key once per file"));
                continue;
            }
            firstLine.put(key, lineNo);
            out.add(new Raw(key, value, origin));
        }
        return out;
    }

    /** Plain ASCII (every byte below 0x80): valid UTF-8 that needs no decoder (its classes are not in CDS). */
    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /** {@code text.split("\r\n|\r|\n", -1)} without a regular expression (start-up runs this interpreted). */
    static List<String> lines(String text) {
        List<String> out = new ArrayList<String>();
        int start = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                out.add(text.substring(start, i));
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        out.add(text.substring(start));
        return out;
    }

    /** Whole-line comments start with # or !; a # after whitespace starts an inline comment (as in the docs). */
    private static String stripComment(String line) {
        String t = line.trim();
        if (t.startsWith("#") || t.startsWith("!")) {
            return "";
        }
        for (int i = 1; i < line.length(); i++) {
            if (line.charAt(i) == '#' && Character.isWhitespace(line.charAt(i - 1))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static int separator(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '=' || c == ':') {
                return i;
            }
            if (Character.isWhitespace(c)) {
                // "key value" is accepted too, unless an = or : follows the blanks
                int j = i;
                while (j < line.length() && Character.isWhitespace(line.charAt(j))) {
                    j++;
                }
                return j < line.length() && (line.charAt(j) == '=' || line.charAt(j) == ':') ? j : i;
            }
        }
        return -1;
    }

    static final String FILE_ACCEPTED = "a regular file (or a symbolic link to one), readable, UTF-8 properties,"
            + " at most 1 MiB";

    /** The whole stream when it holds at most {@code max} bytes, else null: never a silently cut file. */
    static byte[] readBounded(InputStream in, long max) throws IOException {
        byte[] buf = new byte[8192];
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int r;
        while ((r = in.read(buf)) > 0) {
            out.write(buf, 0, r);
            if (out.size() > max) {
                return null;
            }
        }
        return out.toByteArray();
    }

    /** What a path that is no regular file is, for the error: "a FIFO (named pipe)", "a character device"... */
    static String fileKind(File f) {
        try {
            int mode = (Integer) Files.getAttribute(f.toPath(), "unix:mode");
            switch (mode & 0170000) {
                case 0010000:
                    return "a FIFO (named pipe)";
                case 0020000:
                    return "a character device";
                case 0060000:
                    return "a block device";
                case 0140000:
                    return "a socket";
                default:
                    return "a special file";
            }
        } catch (Throwable t) {
            return "a special file"; // no "unix" attribute view on this platform
        }
    }

    private List<Raw> fromSystemProperties() {
        List<Raw> out = new ArrayList<Raw>();
        for (Map.Entry<String, String> e : new TreeMap<String, String>(systemProperties).entrySet()) {
            if (e.getKey().startsWith(SYSPROP_PREFIX) && !e.getKey().equals(Faults.PROPERTY)) { // test-only switch, no key
                String key = e.getKey().substring(SYSPROP_PREFIX.length());
                Origin origin = Origin.systemProperty(e.getKey());
                if (!namesAKey(key)) {
                    // another tool's property, or a typo: either way not worth leaving a JVM unprotected (or stopping it)
                    warnings.add(new ConfigWarning("config.unknown-property", origin, e.getKey(), "unknown property, ignored"
                            + closeSuggestion(key, Key.all().keySet()).replace("did you mean ", "did you mean " + SYSPROP_PREFIX)
                            + "; accepted: lifeline.<key> (lifeline.keepalive.interval) or lifeline.host.<name>.<key>"));
                    continue;
                }
                out.add(new Raw(key, e.getValue(), origin));
            }
        }
        return out;
    }

    private List<Raw> fromEnvironment() {
        List<Raw> out = new ArrayList<Raw>();
        Map<String, String> ours = new TreeMap<String, String>(); // sorted: only LIFELINE_*, not the whole environment
        for (String name : environment.keySet()) { // not entrySet(): 6 more non-CDS classes of System.getenv()'s map
            if (name.startsWith(ENV_PREFIX)) {
                ours.put(name, environment.get(name));
            }
        }
        for (Map.Entry<String, String> e : ours.entrySet()) {
            String name = e.getKey();
            String key = keyForEnvironment(name);
            Origin origin = Origin.environment(name);
            if (key == null) {
                // LIFELINE_HOME=/opt/lifeline and the like: an ops variable, not a setting; never disable for it
                warnings.add(new ConfigWarning("config.unknown-variable", origin, name, "unknown variable, ignored"
                        + closeSuggestion(name.substring(ENV_PREFIX.length()), envSuffixes()).replace("did you mean ",
                        "did you mean " + ENV_PREFIX) + "; accepted: LIFELINE_<KEY> with dots as _"
                        + " (LIFELINE_KEEPALIVE_INTERVAL) or LIFELINE_HOST_<NAME>_<KEY>"));
                continue;
            }
            out.add(new Raw(key, e.getValue(), origin));
        }
        return out;
    }

    /** A global key, or host.NAME.match / host.NAME.KEY (a bad NAME or a global-only KEY is then an error). */
    private static boolean namesAKey(String key) {
        if (Key.named(key) != null) {
            return true;
        }
        if (!key.startsWith(HOST_PREFIX)) {
            return false;
        }
        String rest = key.substring(HOST_PREFIX.length());
        int dot = rest.indexOf('.');
        String sub = dot < 0 ? "" : rest.substring(dot + 1);
        return sub.equals("match") || Key.named(sub) != null;
    }

    static String keyForEnvironment(String name) {
        for (Key k : Key.all().values()) {
            if (k.envName().equals(name)) {
                return k.name;
            }
        }
        String hostPrefix = ENV_PREFIX + "HOST_";
        if (name.startsWith(hostPrefix)) {
            String rest = name.substring(hostPrefix.length());
            String best = null;
            String bestSuffix = "";
            for (String sub : ruleSubKeys()) {
                String suffix = "_" + sub.replace('.', '_').toUpperCase(Locale.ROOT);
                if (rest.endsWith(suffix) && rest.length() > suffix.length() && suffix.length() > bestSuffix.length()) {
                    best = sub;
                    bestSuffix = suffix;
                }
            }
            if (best != null) {
                String ruleName = rest.substring(0, rest.length() - bestSuffix.length()).toLowerCase(Locale.ROOT);
                return HOST_PREFIX + ruleName + "." + best;
            }
        }
        return null;
    }

    private static List<String> ruleSubKeys() {
        List<String> subs = new ArrayList<String>();
        subs.add("match");
        for (Key k : Key.all().values()) {
            if (k.perHost) {
                subs.add(k.name);
            }
        }
        return subs;
    }

    private static List<String> envSuffixes() {
        List<String> names = new ArrayList<String>();
        for (Key k : Key.all().values()) {
            names.add(k.envName().substring(ENV_PREFIX.length()));
        }
        return names;
    }

    /**
     * Stricter than {@link #suggestion}: outside the file, names of other tools are expected (LIFELINE_HOME is not a
     * misspelt LIFELINE_MODE), so only a near-certain typo is suggested: at most one edit per four characters.
     */
    static String closeSuggestion(String wrong, Iterable<String> known) {
        for (String k : known) {
            if (distance(wrong.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT)) <= Math.max(1, wrong.length() / 4)
                    && wrong.length() >= 6) {
                return suggestion(wrong, known);
            }
        }
        return "";
    }

    private void acceptGlobal(Raw r, Map<Key, Setting> global) {
        Key k = Key.named(r.key);
        if (k == null) {
            errors.add(new ConfigError(r.origin, r.key, r.value, "unknown key" + suggestion(r.key, Key.all().keySet())
                    + "; accepted: one of " + Key.all().keySet() + " or host.<name>.<key>"));
            return;
        }
        Object v = parse(r, k);
        if (v != null) {
            global.put(k, new Setting(k, v, r.origin));
        }
    }

    private void acceptRuleEntry(Raw r, Map<String, HostRule> rules) {
        String rest = r.key.substring(HOST_PREFIX.length());
        int dot = rest.indexOf('.');
        if (dot <= 0 || dot == rest.length() - 1) {
            errors.add(new ConfigError(r.origin, r.key, r.value,
                    "incomplete rule key; accepted: host.<name>.match or host.<name>.<key>"));
            return;
        }
        String name = rest.substring(0, dot);
        String sub = rest.substring(dot + 1);
        if (!name.matches("[A-Za-z0-9_-]+")) {
            errors.add(new ConfigError(r.origin, r.key, r.value,
                    "rule name '" + name + "' is not valid; accepted: letters, digits, _ and -"));
            return;
        }
        HostRule rule = rules.get(name);
        if (rule == null) {
            rule = new HostRule(name);
            rule.firstSeen = r.origin;
            rules.put(name, rule);
        }
        if (sub.equals("match")) {
            acceptMatch(r, rule);
            return;
        }
        Key k = Key.named(sub);
        if (k == null || !k.perHost) {
            List<String> candidates = ruleSubKeys();
            String why = k == null ? "unknown key" + suggestion(sub, candidates) : "'" + sub + "' is global only";
            errors.add(new ConfigError(r.origin, r.key, r.value, why + "; accepted in a rule: " + candidates));
            return;
        }
        Object v = parse(r, k);
        if (v != null) {
            rule.settings.put(k, new Setting(k, v, r.origin));
        }
    }

    private void acceptMatch(Raw r, HostRule rule) {
        rule.matchOrigin = r.origin;
        rule.matchText = r.value;
        String[] parts = r.value.trim().split("\\s+");
        if (r.value.trim().isEmpty()) {
            errors.add(new ConfigError(r.origin, r.key, r.value, "empty match; accepted: " + HostPattern.ACCEPTED));
            return;
        }
        List<HostPattern> parsed = new ArrayList<HostPattern>();
        for (String p : parts) {
            try {
                HostPattern hp = HostPattern.parse(p);
                String network = hp.networkIfHostBitsSet();
                if (network != null) {
                    warnings.add(new ConfigWarning("config.cidr-host-bits", r.origin, r.key, "'" + p + "' has host bits set:"
                            + " it means the network " + network + " (every address in it); write " + network
                            + ", or the address alone for one host"));
                }
                parsed.add(hp);
            } catch (IllegalArgumentException e) {
                errors.add(new ConfigError(r.origin, r.key, r.value, "bad pattern " + e.getMessage()
                        + "; accepted: " + HostPattern.ACCEPTED));
                return;
            }
        }
        rule.patterns.addAll(parsed);
    }

    private Object parse(Raw r, Key k) {
        try {
            return k.parse(r.value);
        } catch (IllegalArgumentException e) {
            errors.add(new ConfigError(r.origin, r.key, r.value, e.getMessage() + "; accepted: " + k.accepted()));
            return null;
        }
    }

    /** "; did you mean X?" when a known name is close enough to be the intended one. */
    static String suggestion(String wrong, Iterable<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(wrong.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        int allowed = Math.max(2, wrong.length() / 3);
        return best != null && bestDistance <= allowed ? "; did you mean " + best + "?" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
