package dev.lifeline.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A plain jar made an OSGi bundle as an operator wraps one by hand (no bnd): the same entries, a manifest that exports
 * every package holding a class (at the jar's version) and imports the packages given. Enough for a library whose
 * only outside needs are {@code java.*} and the imports named.
 */
final class WrappedBundle {
    private WrappedBundle() {
    }

    /**
     * Writes {@code jar} as bundle {@code symbolicName} into {@code dir}; the version is the jar name's ({@code name-1.2.3.jar}).
     */
    static Path wrap(Path jar, String symbolicName, String imports, Path dir) throws IOException {
        String file = jar.getFileName().toString();
        String version = file.replaceAll("^.*?-(\\d[^-]*)\\.jar$", "$1");
        Path out = dir.resolve(symbolicName + "-" + version + ".jar");
        try (JarFile in = new JarFile(jar.toFile())) {
            TreeSet<String> packages = new TreeSet<>();
            for (Enumeration<JarEntry> e = in.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (name.endsWith(".class") && name.indexOf('/') > 0 && !name.startsWith("META-INF/")) {
                    packages.add(name.substring(0, name.lastIndexOf('/')).replace('/', '.'));
                }
            }
            Manifest m = in.getManifest() == null ? new Manifest() : new Manifest(in.getManifest());
            Attributes a = m.getMainAttributes();
            a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
            a.putValue("Bundle-ManifestVersion", "2");
            a.putValue("Bundle-SymbolicName", symbolicName);
            a.putValue("Bundle-Version", version);
            StringBuilder exports = new StringBuilder();
            for (String p : packages) {
                exports.append(exports.length() == 0 ? "" : ",").append(p).append(";version=\"").append(version).append('"');
            }
            a.putValue("Export-Package", exports.toString());
            a.putValue("Import-Package", imports);
            try (OutputStream os = Files.newOutputStream(out); JarOutputStream jos = new JarOutputStream(os, m)) {
                for (Enumeration<JarEntry> e = in.entries(); e.hasMoreElements(); ) {
                    JarEntry entry = e.nextElement();
                    if (entry.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME) || entry.getName().equalsIgnoreCase("META-INF/")) {
                        continue;
                    }
                    jos.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream is = in.getInputStream(entry)) {
                        is.transferTo(jos);
                    }
                    jos.closeEntry();
                }
            }
        }
        return out;
    }
}
