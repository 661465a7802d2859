package dev.lifeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 27: what a release hands an operator. Beside {@code lifeline-agent.jar} (which tests and docs use) the same
 * bytes under a versioned name with their SHA-256, which {@code sha256sum -c} verifies; the version and the commit in
 * the manifest and in {@code --version}; and no other jar in {@code target/} that someone could copy by mistake.
 */
class ReleaseJarIT {
    private static final String VERSION = System.getProperty("lifeline.version");
    private static final String COMMIT = System.getProperty("lifeline.commit");

    private static Path target() {
        return AgentJarIT.agentJar().toAbsolutePath().getParent();
    }

    private static Path versionedJar() {
        return target().resolve("lifeline-agent-" + VERSION + ".jar");
    }

    @Test
    void theVersionedJarIsTheAgentJarAndTheOnlyOtherJar() throws IOException {
        assertThat(VERSION).as("lifeline.version, set by the pom").isNotBlank();
        assertThat(Files.readAllBytes(versionedJar())).isEqualTo(Files.readAllBytes(AgentJarIT.agentJar()));
        List<String> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(target())) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted().forEach(jars::add);
        }
        // the shade plugin's original-lifeline-agent.jar (no ASM inside: no agent) is gone
        assertThat(jars).containsExactly("lifeline-agent-" + VERSION + ".jar", "lifeline-agent.jar");
    }

    @Test
    void theChecksumVerifiesWithSha256sumAndAChangedByteFails(@TempDir Path dir) throws Exception {
        Path sum = target().resolve("lifeline-agent-" + VERSION + ".jar.sha256");
        assertThat(Files.readString(sum)).matches("[0-9a-f]{64}  lifeline-agent-" + java.util.regex.Pattern.quote(VERSION) + "\\.jar\\R?");
        // as an operator checks a copy: jar and .sha256 side by side, elsewhere
        Files.copy(versionedJar(), dir.resolve(versionedJar().getFileName()));
        Files.copy(sum, dir.resolve(sum.getFileName()));
        Result ok = run(dir, "sha256sum", "-c", sum.getFileName().toString());
        assertThat(ok.exit).as(ok.output).isZero();
        assertThat(ok.output).contains("lifeline-agent-" + VERSION + ".jar: OK");

        // the check is real: one byte changed and it fails
        byte[] bytes = Files.readAllBytes(dir.resolve(versionedJar().getFileName()));
        bytes[bytes.length / 2] ^= 1;
        Files.write(dir.resolve(versionedJar().getFileName()), bytes);
        Result bad = run(dir, "sha256sum", "-c", sum.getFileName().toString());
        assertThat(bad.exit).as(bad.output).isNotZero();
        assertThat(bad.output).contains("FAILED");
    }

    @Test
    void versionAndCommitAreInTheManifestAndInDashDashVersion() throws Exception {
        assertThat(COMMIT).as("lifeline.commit, set at build time").matches("[0-9a-f]{12}(-dirty)?|unknown");
        try (JarFile jar = new JarFile(versionedJar().toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertThat(main.getValue("Implementation-Version")).isEqualTo(VERSION);
            assertThat(main.getValue("Lifeline-Commit")).isEqualTo(COMMIT);
        }
        Result v = run(target(), Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", versionedJar().toString(), "--version");
        assertThat(v.exit).as(v.output).isZero();
        assertThat(v.output).isEqualTo("lifeline " + VERSION + " commit " + COMMIT + System.lineSeparator());

        // built from this checkout (the tests run on a clone): the commit is HEAD's, as git names it
        Result head = run(Paths.get("..").toAbsolutePath(), "git", "rev-parse", "HEAD");
        if (Files.exists(Paths.get("..", ".git")) && head.exit == 0) {
            assertThat(head.output.trim()).startsWith(COMMIT.replace("-dirty", ""));
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result run(Path dir, String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(-1, e.toString()); // no such program
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s ends", command[0]).isTrue();
        return new Result(p.exitValue(), out);
    }
}
