package dev.lifeline.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent argument's syntax, {@code FILE[,key=value...]}, or {@code [key=value,...]file=PATH}: a {@code file=} item
 * ends the argument and its path is the rest of it, commas and {@code =} included (the way to name a path that holds
 * them). Its {@code key=value} items rank above the file and below the environment.
 */
public final class AgentArgument {
    static final String FILE_ITEM = "file=";
    private static final String ACCEPTED = "; accepted: FILE[,key=value...] with the file first, or"
            + " [key=value,...]file=PATH with file= last, whose PATH is the rest of the argument (for a path with , or =)";

    /** The file it names, or null. */
    final String file;
    /** Its {@code key=value} items, first appearance first; a later item with the same key replaces the value. */
    final Map<String, String> items;

    private AgentArgument(String file, Map<String, String> items) {
        this.file = file;
        this.items = items;
    }

    /** The file an agent argument names, by the rules of {@link #parse}; null when it names none. */
    public static String fileOf(String agentArgs) {
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

    /** Every item of {@code agentArgs} (null or blank: none); what is wrong goes to {@code errors}. */
    static AgentArgument parse(String agentArgs, List<ConfigError> errors) {
        Map<String, String> out = new LinkedHashMap<String, String>();
        if (agentArgs == null || agentArgs.trim().isEmpty()) {
            return new AgentArgument(null, out);
        }
        String file = null;
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
        String[] parts = items.split(","); // one character: String's fast path, no regular expression
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
                    errors.add(new ConfigError(Origin.agentArgument(), item, null, "expected key=value" + ACCEPTED));
                }
                continue;
            }
            String key = item.substring(0, eq).trim();
            if (key.indexOf('/') >= 0 || key.indexOf('\\') >= 0) {
                errors.add(new ConfigError(Origin.agentArgument(), key, item.substring(eq + 1).trim(),
                        "looks like a file path cut at '='" + ACCEPTED));
                continue;
            }
            if (out.containsKey(key)) { // as in a file: which of two values was meant is not Lifeline's guess to make
                String shown = ConfigLoader.known(key) ? item.substring(eq + 1).trim() : null; // an unknown key's: never
                errors.add(new ConfigError(Origin.agentArgument(), key, shown,
                        "duplicate key in the agent argument; accepted: each key once"));
                continue;
            }
            out.put(key, item.substring(eq + 1).trim());
        }
        if (fileItem != null) {
            if (fileItem.isEmpty()) {
                errors.add(new ConfigError(Origin.agentArgument(), "file", "", "no path after file=" + ACCEPTED));
            } else if (file != null) {
                errors.add(new ConfigError(Origin.agentArgument(), "file", fileItem, "a second file (the first item"
                        + " already named " + file + ")" + ACCEPTED));
            } else {
                file = fileItem;
            }
        }
        return new AgentArgument(file, out);
    }
}
