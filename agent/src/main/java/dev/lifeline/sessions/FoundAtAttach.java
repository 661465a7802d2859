package dev.lifeline.sessions;

import dev.lifeline.report.Log;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the last attach found already open (issue 24), per library: sessions open, how many were brought under
 * protection, and each one that could not be and why. The attach command prints it (JMX {@code FoundAtAttach}); each
 * session also has its own {@code session.found-at-attach} line. One report at a time: an attach replaces it.
 */
public final class FoundAtAttach {
    private static final Object LOCK = new Object();
    /** Guarded by LOCK: lib to {found, protected}. */
    private static Map<String, int[]> counts = new LinkedHashMap<String, int[]>();
    /** Guarded by LOCK: "lib host:port: why", one per session left as it was. */
    private static List<String> notProtected = new ArrayList<String>();
    /** Guarded by LOCK: "lib host:port: what", protections a session found could not get. */
    private static List<String> notes = new ArrayList<String>();
    private static String mode = "";
    private static volatile String text = "";

    private FoundAtAttach() {
    }

    /** A new attach: the libraries looked at, in order. */
    public static void begin(String modeLabel, List<String> libs) {
        synchronized (LOCK) {
            counts = new LinkedHashMap<String, int[]>();
            for (String lib : libs) {
                counts.put(lib, new int[2]);
            }
            notProtected = new ArrayList<String>();
            notes = new ArrayList<String>();
            mode = modeLabel;
        }
    }

    /** One session found open; {@code why} null when it was brought under protection (or, in audit, could be). */
    public static void found(String lib, String peer, String why) {
        synchronized (LOCK) {
            int[] c = counts.get(lib);
            if (c == null) {
                c = new int[2];
                counts.put(lib, c);
            }
            c[0]++;
            if (why == null) {
                c[1]++;
            } else {
                notProtected.add(lib + " " + Log.value(peer) + ": " + Log.escapeLine(why));
            }
        }
    }

    /** What a protected session still lacks (a protection its library does not allow on a live session). */
    public static void note(String lib, String peer, String what) {
        synchronized (LOCK) {
            notes.add(lib + " " + Log.value(peer) + ": " + Log.escapeLine(what));
        }
    }

    /** A library whose sessions could not be looked for at all. */
    public static void notSearched(String lib, String why) {
        synchronized (LOCK) {
            notProtected.add(lib + ": sessions not searched: " + Log.escapeLine(why));
        }
    }

    /** The report is complete: the text the attach command shows. @return the summary for the log line */
    public static String finish() {
        StringBuilder b = new StringBuilder();
        int found = 0;
        int prot = 0;
        synchronized (LOCK) {
            boolean audit = "audit".equals(mode);
            for (Map.Entry<String, int[]> e : counts.entrySet()) {
                int[] c = e.getValue();
                found += c[0];
                prot += c[1];
                b.append(e.getKey()).append(": ").append(c[0]).append(c[0] == 1 ? " session" : " sessions")
                        .append(" open, ").append(c[1]).append(audit ? " would be brought" : " brought")
                        .append(" under protection\n");
            }
            for (String n : notProtected) {
                b.append("  not protected: ").append(n).append('\n');
            }
            for (String n : notes) {
                b.append("  note: ").append(n).append('\n');
            }
            if (audit) {
                b.append("mode=audit: nothing was changed on them; the log says what would be done to each\n");
            }
        }
        text = b.toString();
        return found + " found, " + prot + " protected";
    }

    /** The last attach's report; empty before any attach. */
    public static String text() {
        return text;
    }
}
