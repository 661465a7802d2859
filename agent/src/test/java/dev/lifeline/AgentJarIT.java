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

    static final String SHADED_ASM = "dev/lifeline/shaded/bytebuddy/jar/asm/";

    /** The weaver uses ByteBuddy's bundled ASM core and nothing else of ByteBuddy: only that is shipped. */
    @Test
    void bundlesOnlyByteBuddysAsmCoreRelocated() throws IOException {
        List<String> otherShaded = new ArrayList<>();
        try (JarFile jar = new JarFile(agentJar().toFile())) {
            assertThat(jar.getEntry(SHADED_ASM + "ClassReader.class")).isNotNull();
            assertThat(jar.getEntry(SHADED_ASM + "ClassWriter.class")).isNotNull();
            assertThat(jar.getEntry("net/bytebuddy/jar/asm/ClassReader.class")).isNull();
            assertThat(jar.getEntry("dev/lifeline/shaded/bytebuddy/agent/builder/AgentBuilder.class")).isNull();
            assertThat(jar.getEntry("META-INF/licenses/ASM")).as("ASM's license, as its terms ask").isNotNull();
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (name.startsWith("dev/lifeline/shaded/") && name.endsWith(".class")
                        && !(name.startsWith(SHADED_ASM) && name.indexOf('/', SHADED_ASM.length()) < 0)) {
                    otherShaded.add(name);
                }
            }
        }
        assertThat(otherShaded).as("shaded classes beyond ASM's core package").isEmpty();
    }

    /** Every shaded type a class in the jar names is in the jar: the filter dropped nothing that is used. */
    @Test
    void everyShadedTypeReferencedIsBundled() throws IOException {
        List<String> missing = new ArrayList<>();
        try (JarFile jar = new JarFile(agentJar().toFile())) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                if (!entry.getName().endsWith(".class")) {
                    continue;
                }
                String text;
                try (InputStream in = jar.getInputStream(entry)) {
                    text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
                }
                // Lifeline's classes: every shaded name; ASM's own: descriptors only (its Constants holds package
                // names as plain strings, for its API checks)
                boolean own = !entry.getName().startsWith("dev/lifeline/shaded/");
                java.util.regex.Matcher m = java.util.regex.Pattern.compile(own ? "(dev/lifeline/shaded/[A-Za-z0-9_/$]+)"
                        : "L(dev/lifeline/shaded/[A-Za-z0-9_/$]+);").matcher(text);
                while (m.find()) {
                    String type = m.group(1);
                    if (jar.getEntry(type + ".class") == null && jar.getEntry(type + "/") == null && !missing.contains(type)) {
                        missing.add(type + " (named in " + entry.getName() + ")");
                    }
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    /**
     * A guard against bloat by accident (all of ByteBuddy shaded in is 3 MB and more), not the size goal itself:
     * measurements.md row 8 records the size and the goal (600 KB, which the jar passed by 2 KB at 602 KB once Trilead,
     * Ganymed, SFTP deadlines, forwards and the rescue at attach came in).
     */
    @Test
    void staysSmall() throws IOException {
        assertThat(java.nio.file.Files.size(agentJar())).as("jar bytes").isLessThanOrEqualTo(700 * 1024);
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
