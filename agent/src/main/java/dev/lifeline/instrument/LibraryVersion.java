package dev.lifeline.instrument;

import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;

/** A library's version from the jar it was loaded from: {@code jsch-2.28.8.jar} gives {@code 2.28.8}. */
public final class LibraryVersion {
    public static final String UNKNOWN = "unknown";

    private LibraryVersion() {
    }

    static String of(ProtectionDomain domain) {
        try {
            CodeSource source = domain == null ? null : domain.getCodeSource();
            URL location = source == null ? null : source.getLocation();
            return location == null ? UNKNOWN : fromPath(location.getPath());
        } catch (Throwable t) {
            return UNKNOWN;
        }
    }

    /** The part after the last "-" that starts with a digit, of the last path element ending in ".jar". */
    public static String fromPath(String path) {
        String p = path;
        int bang = p.indexOf("!/"); // nested jars (Spring Boot): the innermost named one
        while (p.endsWith("/") || p.endsWith("!")) {
            p = p.substring(0, p.length() - 1);
        }
        if (bang >= 0 && !p.endsWith(".jar")) {
            p = p.substring(0, bang);
        }
        int slash = p.lastIndexOf('/');
        String name = p.substring(slash + 1);
        if (!name.endsWith(".jar")) {
            return UNKNOWN;
        }
        name = name.substring(0, name.length() - 4);
        for (int i = name.indexOf('-'); i >= 0; i = name.indexOf('-', i + 1)) {
            if (i + 1 < name.length() && Character.isDigit(name.charAt(i + 1))) {
                return name.substring(i + 1);
            }
        }
        return UNKNOWN;
    }
}
