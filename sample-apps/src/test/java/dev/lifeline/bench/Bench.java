package dev.lifeline.bench;

import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where the build put things, and forked sample apps preset with a library set and (optionally) the agent. */
final class Bench {
    enum Library {
        JSCH_MWIEDE("jsch-mwiede-" + Versions.JSCH_MWIEDE),
        JSCH_MWIEDE_OLD("jsch-mwiede-" + Versions.JSCH_MWIEDE_OLD),
        JSCH_JCRAFT("jsch-jcraft-" + Versions.JSCH_JCRAFT),
        SSHD("sshd-" + Versions.SSHD),
        SSHD_OLD("sshd-" + Versions.SSHD_OLD),
        SSHD_LEGACY("sshd-" + Versions.SSHD_LEGACY);

        final String dir;

        Library(String dir) {
            this.dir = dir;
        }

        boolean isJsch() {
            return this == JSCH_MWIEDE || this == JSCH_MWIEDE_OLD || this == JSCH_JCRAFT;
        }

        /** The sample that runs one command with this library. */
        String execApp() {
            return isJsch() ? "JschExec" : "MinaExec";
        }

        @Override
        public String toString() {
            return dir;
        }
    }

    private Bench() {
    }

    /**
     * The built agent; a test that needs it skips (even in CI: a reactor build makes it first, so only a
     * {@code -pl sample-apps} run can lack it) and says how to build it.
     */
    static Path agentJar() {
        Path jar = Paths.get(System.getProperty("lifeline.agent.jar", "../agent/target/lifeline-agent.jar")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            String why = "agent jar not built at " + jar + "; build it with: mvn -B -q -pl agent package -DskipTests";
            System.out.println("[bench] SKIPPED: " + why);
            Assumptions.abort(why);
        }
        return jar;
    }

    static Path libs() {
        return Paths.get(System.getProperty("lifeline.libs", "target/libs"));
    }

    static Path sampleClasses() {
        return Paths.get(System.getProperty("lifeline.sample.classes", "target/classes"));
    }

    /** A sample app's JVM on {@code jdk} with {@code library} on its class path; add the agent with {@link #withAgent}. */
    static ForkedJvm.Builder app(String simpleName, Library library, Path jdk) {
        return app(simpleName, library.dir, jdk);
    }

    /** With any library directory under target/libs, e.g. a version outside {@link Library}. */
    static ForkedJvm.Builder app(String simpleName, String libraryDir, Path jdk) {
        return ForkedJvm.builder("dev.lifeline.samples." + simpleName)
                .javaHome(jdk)
                .classpath(sampleClasses().toString(), libs().resolve(libraryDir).resolve("*").toString())
                .echo("    [" + simpleName + "/" + libraryDir + "/" + jdk.getFileName() + "] ");
    }

    static ForkedJvm.Builder withAgent(ForkedJvm.Builder b, String agentArgs) {
        return b.agent(agentJar(), agentArgs);
    }

    /** The JDK 11 the tests run apps on (Debian bullseye's, pinned low: .ci/run); {@code -Dlifeline.test.jdk11} overrides. */
    static final Path JDK11 = Paths.get(System.getProperty("lifeline.test.jdk11", "/usr/lib/jvm/java-11-openjdk-amd64"));
    /** The JDK 25 the tests run apps on where installed; {@code -Dlifeline.test.jdk25} overrides. */
    static final Path JDK25 = Paths.get(System.getProperty("lifeline.test.jdk25", "/usr/lib/jvm/temurin-25-jdk-amd64"));

    /**
     * JDKs to run forked apps on: 17 (the build's) and 25 where installed; {@code -Dlifeline.test.jdks=a,b} overrides.
     * {@link MatrixTest} adds JDK 11 to these ({@link MatrixTest#jdkHomes}).
     */
    static List<Path> jdks() {
        List<Path> out = new ArrayList<>();
        String override = System.getProperty("lifeline.test.jdks");
        if (override != null && !override.isBlank()) {
            for (String s : override.split(",")) {
                out.add(Paths.get(s.trim()));
            }
            return out;
        }
        out.add(Paths.get(System.getProperty("java.home")));
        if (Files.isDirectory(JDK25)) {
            out.add(JDK25);
        }
        return out;
    }

    /**
     * {@code -Dlifeline.tests=full}: every cell of the heavy matrices and the long default runs (README, "Run the
     * tests"). Without it ({@code mvn -B verify}, CI) they run the reduced set that README names.
     */
    static boolean fullSuite() {
        return "full".equalsIgnoreCase(System.getProperty("lifeline.tests", "").trim());
    }

    /**
     * The feature release (8, 11, 17, 25) of the JDK at {@code home}, from its {@code release} file, which every JDK
     * since 8 has ({@code JAVA_VERSION="11.0.24"}, {@code "1.8.0_402"}).
     */
    static int javaVersion(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                Matcher m = Pattern.compile("^JAVA_VERSION=\"(?:1\\.)?(\\d+)").matcher(line);
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("not a JDK home (no readable release file): " + home, e);
        }
        throw new IllegalStateException("no JAVA_VERSION in " + home.resolve("release"));
    }

    static Path defaultJdk() {
        return Paths.get(System.getProperty("java.home"));
    }

    /**
     * Channels streaming into a peer that then vanishes, for the close scenarios. OpenSSH opens 2 MB of window per
     * channel; the kernel can hold up to 4 MB (client send buffer) + 32 MB (server receive buffer) in flight. Only with
     * more window open than that does a writer end up stuck in the socket write (JSch: holding the session's write
     * lock; MINA: leaving packets queued), which is what makes an unprotected close hang. 32 channels = 64 MB.
     */
    static final String STUCK_WRITERS = "32";
}
