package dev.lifeline.runtime;

import java.io.File;
import java.net.URL;
import java.security.CodeSource;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Which build this is: the version ({@code Implementation-Version}) and the git commit ({@code Lifeline-Commit}) of
 * the jar's manifest, both set by the build. Shown by {@code --version} and {@code agent.started}, so that an operator
 * can tell which jar a JVM runs without opening it.
 */
public final class BuildInfo {
    static final String COMMIT_ATTRIBUTE = "Lifeline-Commit";
    /** Read once, on first use: the manifest is not opened at start-up unless a line shows the commit. */
    private static volatile String commit;

    private BuildInfo() {
    }

    /** The project version, or {@code dev} when running from classes (tests, an IDE). */
    public static String version() {
        Package p = BuildInfo.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The abbreviated commit ({@code -dirty} when built from a changed tree), or {@code unknown}. */
    public static String commit() {
        String c = commit;
        if (c == null) {
            c = readCommit();
            commit = c;
        }
        return c;
    }

    /** {@code 0.1.0 commit 1a2b3c4d5e6f}: the line {@code --version} prints after "lifeline ". */
    public static String describe() {
        return version() + " commit " + commit();
    }

    /** Never throws: a jar without the attribute (or no jar at all) is simply "unknown". */
    private static String readCommit() {
        try {
            CodeSource source = BuildInfo.class.getProtectionDomain().getCodeSource();
            URL location = source == null ? null : source.getLocation();
            if (location == null || !"file".equals(location.getProtocol())) {
                return "unknown";
            }
            File jar = new File(location.toURI());
            if (!jar.isFile()) {
                return "unknown"; // classes directory
            }
            JarFile file = new JarFile(jar, false);
            try {
                Manifest m = file.getManifest();
                String c = m == null ? null : m.getMainAttributes().getValue(new Attributes.Name(COMMIT_ATTRIBUTE));
                // a build that skipped the commit step leaves the placeholder unexpanded
                return c == null || c.trim().isEmpty() || c.startsWith("${") ? "unknown" : c.trim();
            } finally {
                file.close();
            }
        } catch (Throwable e) {
            return "unknown";
        }
    }
}
