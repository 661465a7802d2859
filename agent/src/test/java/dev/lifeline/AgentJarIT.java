package dev.lifeline;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped jar: one file, nothing outside the project's package, a manifest the JVM accepts as an agent. */
class AgentJarIT {
    static Path agentJar() {
        Path jar = Paths.get(System.getProperty("lifeline.agent.jar", "target/lifeline-agent.jar"));
        assertThat(jar).as("agent jar built by mvn package").isRegularFile();
        return jar;
    }

    @Test
    void containsNothingOutsideTheProjectPackageButManifestAndLicenses() throws IOException {
        List<String> foreign = new ArrayList<>();
        try (JarFile jar = new JarFile(agentJar().toFile())) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                boolean license = name.equals("META-INF/LICENSE") || name.equals("META-INF/NOTICE")
                        || name.startsWith("META-INF/licenses/"); // ByteBuddy's and ASM's, kept as their terms ask
                boolean allowed = name.startsWith("dev/lifeline/") || name.equals("dev/")
                        || name.equals("META-INF/") || name.equals("META-INF/MANIFEST.MF") || license;
                if (!allowed) {
                    foreign.add(name);
                }
            }
        }
        assertThat(foreign).as("entries outside dev/lifeline/ (unrelocated dependency or stray resource)").isEmpty();
    }

    @Test
    void bundlesByteBuddyRelocated() throws IOException {
        try (JarFile jar = new JarFile(agentJar().toFile())) {
            assertThat(jar.getEntry("dev/lifeline/shaded/bytebuddy/agent/builder/AgentBuilder.class")).isNotNull();
            assertThat(jar.getEntry("net/bytebuddy/agent/builder/AgentBuilder.class")).isNull();
        }
    }

    @Test
    void manifestDeclaresAnAgentThatCanRetransformAndAMainClass() throws IOException {
        try (JarFile jar = new JarFile(agentJar().toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertThat(main.getValue("Premain-Class")).isEqualTo("dev.lifeline.LifelineAgent");
            assertThat(main.getValue("Agent-Class")).isEqualTo("dev.lifeline.LifelineAgent");
            assertThat(main.getValue("Main-Class")).isEqualTo("dev.lifeline.LifelineAgent");
            assertThat(main.getValue("Can-Retransform-Classes")).isEqualTo("true");
            assertThat(jar.getEntry(main.getValue("Premain-Class").replace('.', '/') + ".class")).isNotNull();
        }
    }

    @Test
    void ownClassesAreJava8Bytecode() throws IOException {
        List<String> tooNew = new ArrayList<>();
        try (JarFile jar = new JarFile(agentJar().toFile())) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                if (!entry.getName().endsWith(".class") || entry.getName().startsWith("dev/lifeline/shaded/")) {
                    continue;
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    DataInputStream data = new DataInputStream(in);
                    data.readInt();
                    data.readUnsignedShort();
                    int major = data.readUnsignedShort();
                    if (major > 52) {
                        tooNew.add(entry.getName() + " (major " + major + ")");
                    }
                }
            }
        }
        assertThat(tooNew).isEmpty();
    }
}
