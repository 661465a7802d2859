package dev.lifeline.instrument;

import java.util.ArrayList;
import java.util.List;

/** SSH libraries an application may use that Lifeline has no module for: named once when the JVM loads them. */
final class UncoveredLibraries {
    private static final String[][] KNOWN = {
            {"com/trilead/ssh2/", "trilead-ssh2"},
            {"ch/ethz/ssh2/", "ganymed-ssh2"},
    };

    private UncoveredLibraries() {
    }

    /** The known ones no module covers (a module for one takes it off this list). */
    static String[][] without(String[] coveredPrefixes) {
        List<String[]> out = new ArrayList<String[]>();
        for (String[] lib : KNOWN) {
            boolean covered = false;
            for (String p : coveredPrefixes) {
                covered |= lib[0].startsWith(p) || p.startsWith(lib[0]);
            }
            if (!covered) {
                out.add(lib);
            }
        }
        return out.toArray(new String[0][]);
    }
}
