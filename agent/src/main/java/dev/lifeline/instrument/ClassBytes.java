package dev.lifeline.instrument;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A library class file's bytes, as its class loader would define them, read before weaving (nothing is loaded). The
 * loader says where the class file is ({@code getResource}: its own delegation order decides which jar); a class in a
 * jar is then read from that jar with {@link ZipFile}, which shares the archive the loader already holds open, and a
 * multi-release jar's versioned entry is chosen as the loader's {@code JarFile} chooses it. Anything else (a folder, a
 * nested or remote jar, a loader's own URL scheme) is read through the URL.
 *
 * <p>Why not {@code getResourceAsStream} for all: on the built-in loaders it opens the URL, and the first
 * {@code jar:} URL opened in a JVM loads and runs the JDK's jar URL machinery (a dozen classes not in the CDS archive,
 * a second {@code JarFile} per jar, kept in a cache): about 8 ms of the application thread's CPU at the first woven
 * class, measured on JDK 17 under load, where the read itself takes a fraction of a millisecond.
 */
final class ClassBytes {
    private static final String VERSIONS = "META-INF/versions/";
    /** The JVM's feature version (8, 11, 17...), as a multi-release jar is read on it. */
    private static final int FEATURE = feature(System.getProperty("java.specification.version"));

    /** The jars opened by this reader, kept open until {@link #close}: a shape check reads up to 30 classes of one. */
    private final Map<File, ZipFile> open = new HashMap<File, ZipFile>();

    /** {@code resource}'s bytes as {@code loader} finds it, or null when absent or unreadable. */
    static byte[] read(ClassLoader loader, String resource) {
        ClassBytes reader = new ClassBytes();
        try {
            return reader.bytes(loader, resource);
        } finally {
            reader.close();
        }
    }

    /** {@link #read}, keeping the jar open for the next class until {@link #close}. */
    byte[] bytes(ClassLoader loader, String resource) {
        try {
            URL url = loader == null ? ClassLoader.getSystemResource(resource) : loader.getResource(resource);
            if (url == null) {
                return null;
            }
            File jar = jarOf(url, resource);
            byte[] bytes = jar == null ? null : fromJar(jar, resource);
            return bytes != null ? bytes : fromUrl(url);
        } catch (Throwable t) {
            return null;
        }
    }

    void close() {
        for (ZipFile z : open.values()) {
            try {
                z.close();
            } catch (Throwable ignored) {
                // read already
            }
        }
        open.clear();
    }

    /** The local jar file of {@code jar:file:/path/lib.jar!/resource}, or null for any other URL. */
    static File jarOf(URL url, String resource) {
        if (!"jar".equals(url.getProtocol())) {
            return null;
        }
        String spec = url.getFile(); // file:/path/lib.jar!/resource
        String suffix = "!/" + resource;
        if (!spec.startsWith("file:") || !spec.endsWith(suffix)) {
            return null;
        }
        String file = spec.substring(0, spec.length() - suffix.length());
        if (file.indexOf("!/") >= 0) {
            return null; // a jar inside a jar (Spring Boot's loader): only its loader can read it
        }
        try {
            File f = new File(new URI(file)); // undoes the URL's escapes (%20)
            return f.isFile() ? f : null;
        } catch (Exception notAFileUri) {
            return null;
        }
    }

    /** The entry the JVM would read for {@code resource}, or null (then the URL is read instead). */
    private byte[] fromJar(File jar, String resource) throws IOException {
        ZipFile zip = open.get(jar);
        if (zip == null) {
            zip = new ZipFile(jar);
            open.put(jar, zip);
        }
        ZipEntry entry = versioned(zip, resource);
        if (entry == null) {
            entry = zip.getEntry(resource);
        }
        if (entry == null || entry.isDirectory()) {
            return null;
        }
        InputStream in = zip.getInputStream(entry);
        try {
            return readAll(in, entry.getSize());
        } finally {
            in.close();
        }
    }

    /**
     * A multi-release jar's entry for this JVM ({@code META-INF/versions/N/}, the highest N not above the JVM's
     * version, 9 at least), as {@code JarFile} picks it when the manifest says {@code Multi-Release: true}; null otherwise.
     */
    private static ZipEntry versioned(ZipFile zip, String resource) throws IOException {
        ZipEntry found = null;
        for (int v = FEATURE; v >= 9 && found == null; v--) {
            found = zip.getEntry(VERSIONS + v + "/" + resource);
        }
        return found != null && multiRelease(zip) ? found : null;
    }

    /** The manifest's main section says {@code Multi-Release: true} (any case, as {@code JarFile} reads it). */
    static boolean multiRelease(ZipFile zip) throws IOException {
        ZipEntry m = zip.getEntry("META-INF/MANIFEST.MF");
        if (m == null) {
            return false;
        }
        InputStream in = zip.getInputStream(m);
        String text;
        try {
            text = new String(readAll(in, m.getSize()), "ISO-8859-1").toLowerCase(java.util.Locale.ROOT);
        } finally {
            in.close();
        }
        int end = text.indexOf("\n\n"); // the main section ends at the first blank line
        int at = text.indexOf("multi-release:");
        if (at < 0 || (at > 0 && text.charAt(at - 1) != '\n') || (end >= 0 && at > end)) {
            return false;
        }
        int value = at + "multi-release:".length();
        while (value < text.length() && text.charAt(value) == ' ') {
            value++;
        }
        return text.startsWith("true", value);
    }

    private static byte[] fromUrl(URL url) throws IOException {
        InputStream in = url.openStream();
        try {
            return readAll(in, -1);
        } finally {
            in.close();
        }
    }

    /** All of {@code in}: {@code size} bytes when the zip entry gives its size (-1: unknown). */
    static byte[] readAll(InputStream in, long size) throws IOException {
        if (size >= 0 && size < Integer.MAX_VALUE) {
            byte[] out = new byte[(int) size];
            int at = 0;
            while (at < out.length) {
                int n = in.read(out, at, out.length - at);
                if (n < 0) {
                    throw new IOException("entry shorter than its size");
                }
                at += n;
            }
            return out;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        copy(in, out);
        return out.toByteArray();
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) throws IOException {
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
        }
    }

    static int feature(String specVersion) {
        try {
            String v = specVersion.startsWith("1.") ? specVersion.substring(2) : specVersion;
            int dot = v.indexOf('.');
            return Integer.parseInt(dot < 0 ? v : v.substring(0, dot));
        } catch (Exception e) {
            return 8;
        }
    }
}
