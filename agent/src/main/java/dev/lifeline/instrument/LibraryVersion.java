package dev.lifeline.instrument;

import java.io.File;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * A library's version from the jar it was loaded from: {@code jsch-2.28.8.jar} gives {@code 2.28.8}. A jar whose file
 * is not named after it (Equinox keeps an installed bundle as {@code .../bundleFile}) is asked its own manifest's
 * {@code Bundle-Version}, then {@code Implementation-Version}: only that file's, never the loader's resources, which
 * could answer with another jar's manifest.
 */
public final class LibraryVersion {
    public static final String UNKNOWN = "unknown";

    private LibraryVersion() {
    }

    static String of(ProtectionDomain domain) {
        try {
            CodeSource source = domain == null ? null : domain.getCodeSource();
            URL location = source == null ? null : source.getLocation();
            if (location == null) {
                return UNKNOWN;
            }
            String version = fromPath(location.getPath());
            return UNKNOWN.equals(version) && "file".equals(location.getProtocol()) ? fromManifest(new File(location.toURI())) : version;
        } catch (Throwable t) {
            return UNKNOWN;
        }
    }

    /** The jar file's manifest version (digits first, at most 40 characters), or {@link #UNKNOWN}. */
    static String fromManifest(File file) {
        if (!file.isFile()) {
            return UNKNOWN;
        }
        try (JarFile jar = new JarFile(file, false)) {
            Manifest manifest = jar.getManifest();
            Attributes main = manifest == null ? null : manifest.getMainAttributes();
            if (main == null) {
                return UNKNOWN;
            }
            for (String key : new String[]{"Bundle-Version", "Implementation-Version"}) {
                String v = main.getValue(key);
                if (v != null && !v.isEmpty() && v.length() <= 40 && Character.isDigit(v.charAt(0))) {
                    return v.trim();
                }
            }
            return UNKNOWN;
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
