package dev.lifeline.instrument;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.FileOutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;

/** The shape check reads a class file as the library's loader would define it, without opening a jar: URL. */
class ClassBytesTest {
    @TempDir
    Path dir;

    private File jar(String name, boolean multiRelease, String... entriesAndContents) throws Exception {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (multiRelease) {
            m.getMainAttributes().put(new Attributes.Name("Multi-Release"), "true");
        }
        File f = dir.resolve(name).toFile();
        try (JarOutputStream out = new JarOutputStream(new FileOutputStream(f), m)) {
            for (int i = 0; i < entriesAndContents.length; i += 2) {
                out.putNextEntry(new JarEntry(entriesAndContents[i]));
                out.write(entriesAndContents[i + 1].getBytes(StandardCharsets.US_ASCII));
                out.closeEntry();
            }
        }
        return f;
    }

    private static String read(File jar, String resource) throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[]{jar.toURI().toURL()}, null)) {
            byte[] b = ClassBytes.read(loader, resource);
            return b == null ? null : new String(b, StandardCharsets.US_ASCII);
        }
    }

    @Test
    void aMultiReleaseJarGivesTheEntryForThisJvmAsJarFileDoes() throws Exception {
        int feature = ClassBytes.feature(System.getProperty("java.specification.version"));
        File jar = jar("lib with space.jar", true, "a/A.class", "base", "META-INF/versions/9/a/A.class", "nine",
                "META-INF/versions/" + (feature + 1) + "/a/A.class", "newer than this JVM", "a/B.class", "b");
        assertThat(read(jar, "a/A.class")).isEqualTo(feature >= 9 ? "nine" : "base");
        assertThat(read(jar, "a/B.class")).isEqualTo("b");
        assertThat(read(jar, "a/C.class")).isNull();
    }

    @Test
    void versionedEntriesCountOnlyWhenTheManifestSaysMultiRelease() throws Exception {
        File jar = jar("plain.jar", false, "a/A.class", "base", "META-INF/versions/9/a/A.class", "nine");
        assertThat(read(jar, "a/A.class")).isEqualTo("base");
    }

    @Test
    void aClassFolderIsReadThroughItsUrl() throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes/a"));
        Files.write(classes.resolve("A.class"), "folder".getBytes(StandardCharsets.US_ASCII));
        try (URLClassLoader loader = new URLClassLoader(new URL[]{dir.resolve("classes").toUri().toURL()}, null)) {
            assertThat(new String(ClassBytes.read(loader, "a/A.class"), StandardCharsets.US_ASCII)).isEqualTo("folder");
        }
    }

    @Test
    void onlyALocalJarIsOpenedDirectly() throws Exception {
        String r = "a/A.class";
        assertThat(ClassBytes.jarOf(new URL("file:/opt/classes/a/A.class"), r)).isNull();
        assertThat(ClassBytes.jarOf(new URL("jar:file:/app.jar!/BOOT-INF/lib/x.jar!/a/A.class"), r)).isNull();
        assertThat(ClassBytes.jarOf(new URL("jar:http://host/x.jar!/a/A.class"), r)).isNull();
        File jar = jar("x y.jar", false, r, "x");
        assertThat(ClassBytes.jarOf(new URL("jar:" + jar.toURI() + "!/" + r), r)).isEqualTo(jar);
    }
}
