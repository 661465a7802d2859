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

    /**
     * The part after the first "-" that starts with a digit, or with {@code build} and a digit (Trilead's own names:
     * {@code trilead-ssh2-build217-jenkins-8.jar}, Jenkins' {@code trilead-ssh2-build-217-jenkins-293.v….jar}), of the
     * last path element ending in ".jar".
     */
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
            if (startsVersion(name, i + 1)) {
                return name.substring(i + 1);
            }
        }
        return UNKNOWN;
    }

    private static boolean startsVersion(String name, int at) {
        int i = at;
        if (name.startsWith("build", i)) {
            i += name.startsWith("build-", i) ? 6 : 5;
        }
        return i < name.length() && Character.isDigit(name.charAt(i));
    }
}
