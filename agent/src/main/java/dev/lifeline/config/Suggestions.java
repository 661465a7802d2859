package dev.lifeline.config;

import java.util.Locale;

/** "did you mean X?" for a misspelt name: built only for an error or warning that names one, never on a valid start. */
final class Suggestions {
    private Suggestions() {
    }

    /** "; did you mean X?" when a known name is close enough to be the intended one, else "". */
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

    /** Levenshtein distance. */
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
