package dev.lifeline.instrument;

import dev.lifeline.runtime.Libraries;
import dev.lifeline.report.Log;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** What the transformer says about the SSH libraries a JVM loads: once per library, never per class. */
class TransformerNoticesTest {
    @TempDir
    Path dir;

    @AfterEach
    void stderrAgain() {
        Log.useFile(null);
    }

    private List<String> lines(Path log, String event) throws Exception {
        return Files.readAllLines(log).stream().filter(l -> l.contains("event=" + event)).collect(Collectors.toList());
    }

    private static ProtectionDomain from(String jar) throws Exception {
        return new ProtectionDomain(new CodeSource(new URL("file:/opt/app/lib/" + jar), (Certificate[]) null), null);
    }

    /** Trilead is covered since issue 26: a transformer without its module is what an uncovered library meets. */
    @Test
    void anUncoveredLibraryIsNamedOnceWithItsVersion() throws Exception {
        Path log = dir.resolve("log");
        Log.useFile(log.toString());
        List<InstrumentationModule> withoutTrilead = new java.util.ArrayList<>(Libraries.all());
        withoutTrilead.removeIf(m -> m.name().equals("trilead"));
        SshTransformer t = new SshTransformer(withoutTrilead);
        for (String c : new String[]{"com/trilead/ssh2/Connection", "com/trilead/ssh2/KnownHosts", "com/trilead/ssh2/Connection$1"}) {
            assertThat(t.transform(null, c, null, from("trilead-ssh2-1.0.0-build222.jar"), new byte[0])).isNull();
        }
        List<String> unprotected = lines(log, "library.unprotected");
        assertThat(unprotected).hasSize(1);
        assertThat(unprotected.get(0)).contains("library=trilead-ssh2").contains("version=1.0.0-build222");
    }

    @Test
    void aLibraryInALoaderThatCannotSeeTheAgentIsLeftUnchangedWithOneLine() throws Exception {
        Path jar = WeaveEveryLibraryVersionTest.LIBS.resolve("jsch-mwiede-2.28.8").resolve("jsch-2.28.8.jar");
        assertThat(jar).as("copied by agent/pom.xml").isRegularFile();
        Path log = dir.resolve("log");
        Log.useFile(log.toString());
        SshTransformer t = new SshTransformer(Libraries.all());
        try (URLClassLoader isolated = new URLClassLoader(new URL[]{jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            for (String c : new String[]{"com/jcraft/jsch/Session", "com/jcraft/jsch/Channel", "com/jcraft/jsch/ChannelExec"}) {
                byte[] bytes;
                try (InputStream in = isolated.getResourceAsStream(c + ".class")) {
                    bytes = in.readAllBytes();
                }
                assertThat(t.transform(isolated, c, null, null, bytes)).as(c).isNull();
            }
        }
        List<String> unsupported = lines(log, "instrumentation.unsupported");
        assertThat(unsupported).hasSize(1);
        assertThat(unsupported.get(0)).contains("library=com.jcraft.jsch").contains("isolated loader");
    }
}
