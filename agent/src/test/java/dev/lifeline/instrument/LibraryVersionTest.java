package dev.lifeline.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibraryVersionTest {
    @Test
    void aJarNamedAfterItsVersionNeedsNoManifest() {
        assertThat(LibraryVersion.fromPath("/opt/app/lib/jsch-2.28.8.jar")).isEqualTo("2.28.8");
        assertThat(LibraryVersion.fromPath("/opt/app/lib/sshd-osgi-2.20.0.jar")).isEqualTo("2.20.0");
    }

    /** Equinox keeps an installed bundle as {@code .../bundleFile}: the version comes from that jar's own manifest. */
    @Test
    void aBundleCopyNotNamedAfterItsJarIsAskedItsManifest(@TempDir Path dir) throws Exception {
        Path bundle = jar(dir.resolve("bundleFile"), "Bundle-Version", "2.20.0");
        assertThat(LibraryVersion.of(domain(bundle))).isEqualTo("2.20.0");
        Path plain = jar(dir.resolve("copy"), "Implementation-Version", "0.40.0");
        assertThat(LibraryVersion.of(domain(plain))).isEqualTo("0.40.0");
    }

    @Test
    void aManifestWithNoVersionOrAnOddOneStaysUnknown(@TempDir Path dir) throws Exception {
        assertThat(LibraryVersion.of(domain(jar(dir.resolve("a"), "Created-By", "17")))).isEqualTo(LibraryVersion.UNKNOWN);
        assertThat(LibraryVersion.of(domain(jar(dir.resolve("b"), "Bundle-Version", "${project.version}")))).isEqualTo(LibraryVersion.UNKNOWN);
        Path notAJar = Files.write(dir.resolve("c"), new byte[]{1, 2, 3});
        assertThat(LibraryVersion.of(domain(notAJar))).isEqualTo(LibraryVersion.UNKNOWN);
        assertThat(LibraryVersion.of(domain(dir))).isEqualTo(LibraryVersion.UNKNOWN);
        assertThat(LibraryVersion.of(null)).isEqualTo(LibraryVersion.UNKNOWN);
    }

    static Path jar(Path file, String key, String value) throws Exception {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue(key, value);
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.flush();
        }
        return file;
    }

    static ProtectionDomain domain(Path file) throws Exception {
        return new ProtectionDomain(new CodeSource(file.toUri().toURL(), (Certificate[]) null), null);
    }
}
