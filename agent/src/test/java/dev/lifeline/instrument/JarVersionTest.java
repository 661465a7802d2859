package dev.lifeline.instrument;

import org.junit.jupiter.api.Test;

import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;

import static org.assertj.core.api.Assertions.assertThat;

/** The library version in agent.started and library.unprotected comes from the jar's file name. */
class JarVersionTest {
    private static ProtectionDomain from(String url) throws Exception {
        return new ProtectionDomain(new CodeSource(url == null ? null : new URL(url), (Certificate[]) null), null);
    }

    @Test
    void readsTheVersionFromTheJarName() throws Exception {
        assertThat(LibraryVersion.of(from("file:/home/app/lib/jsch-2.28.8.jar"))).isEqualTo("2.28.8");
        assertThat(LibraryVersion.of(from("file:/opt/app/sshd-core-2.12.1.jar"))).isEqualTo("2.12.1");
        assertThat(LibraryVersion.of(from("jar:file:/app.jar!/BOOT-INF/lib/jsch-0.1.55.jar!/"))).isEqualTo("0.1.55");
        assertThat(LibraryVersion.of(from("file:/opt/app/classes/"))).isEqualTo("unknown");
        assertThat(LibraryVersion.of(from("file:/opt/app/jsch.jar"))).isEqualTo("unknown");
        assertThat(LibraryVersion.of(from(null))).isEqualTo("unknown");
        assertThat(LibraryVersion.of(null)).isEqualTo("unknown");
    }
}
