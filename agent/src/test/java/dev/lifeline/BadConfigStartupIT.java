package dev.lifeline;

import dev.lifeline.runtime.Startup;
import dev.lifeline.config.ConfigFiles;
import dev.lifeline.config.ConfigFiles.BadConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8: a few of the bad-configuration corpus ({@code BadConfigCorpusTest}) in a real JVM with the agent. By default
 * Lifeline fails open (the error is logged, the application runs unprotected); with {@code failOnConfigError=true} the
 * JVM stops before {@code main} with exit 78. Neither ever shows a stack trace.
 */
class BadConfigStartupIT {
    static final Set<String> CHOSEN = Set.of("binary-garbage", "nul-bytes", "duplicate-key",
            "rule-global-only-failOnConfigError", "duration-overflow-long", "directory", "too-large", "fifo",
            "tcp-idle-too-large");

    @TempDir
    static Path generated;

    static Stream<BadConfig> someBadConfigs() {
        List<BadConfig> chosen = ConfigFiles.corpus(generated).stream().filter(c -> CHOSEN.contains(c.name())).toList();
        assertThat(chosen).hasSize(CHOSEN.size());
        return chosen.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("someBadConfigs")
    void theApplicationRunsUnprotectedAndTheErrorIsNamed(BadConfig c) throws Exception {
        ForkedJvm.Run run = AgentStartupIT.runHello(c.file().toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("Hello" + System.lineSeparator());
        assertThat(run.err()).contains("event=config.invalid").contains(c.key()).contains(c.problem())
                .contains(c.accepted()).contains("event=agent.disabled").doesNotContain("event=agent.started")
                .doesNotContain("\tat ").doesNotContain("Exception in");
    }

    /**
     * chmod 000 does not stop root, so the unit corpus cannot show this case when the build runs as root. Here the JVM
     * runs as the unprivileged user {@code .ci/run} creates (via {@code runuser}), or as this user when it is not root.
     */
    @Test
    void anUnreadableFileIsNamedAndTheApplicationStillRuns() throws Exception {
        List<String> prefix = List.of();
        if ("root".equals(System.getProperty("user.name"))) {
            boolean userExists = new ProcessBuilder("id", UNPRIVILEGED).start().waitFor() == 0;
            Assumptions.assumeTrue(userExists || System.getenv("CI") != null,
                    "running as root without the user " + UNPRIVILEGED + " (.ci/run creates it)");
            assertThat(userExists).as("CI creates the user " + UNPRIVILEGED).isTrue();
            prefix = List.of("runuser", "-u", UNPRIVILEGED, "--");
        }
        // not under @TempDir, and with its own copy of the jar and the app: the other user must reach all of it, and be
        // refused by the file's mode only
        Path dir = Files.createTempDirectory(Paths.get(System.getProperty("java.io.tmpdir")), "lifeline-unreadable-");
        Path file = dir.resolve("lifeline.properties");
        Path jar = dir.resolve("lifeline-agent.jar");
        Path hello = dir.resolve("classes/dev/lifeline/hello/Hello.class");
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.copy(AgentJarIT.agentJar(), jar);
            Files.createDirectories(hello.getParent());
            Files.copy(Paths.get("target", "test-classes", "dev", "lifeline", "hello", "Hello.class"), hello);
            for (Path d = hello.getParent(); !d.equals(dir); d = d.getParent()) {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Files.write(file, "mode = enforce\n".getBytes(StandardCharsets.UTF_8));
            Files.setPosixFilePermissions(file, Set.of());
            ForkedJvm.Run run = AgentStartupIT.runHelloAs(prefix, jar, dir.resolve("classes"),
                    System.getProperty("java.home"), file.toString());
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).isEqualTo("Hello" + System.lineSeparator());
            assertThat(run.err()).contains("event=config.invalid").contains(file.toString()).contains("cannot be read")
                    .contains("event=agent.disabled").doesNotContain("event=agent.started").doesNotContain("\tat ");
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static final String UNPRIVILEGED = "lifeline-test";

    @ParameterizedTest(name = "{0}")
    @MethodSource("someBadConfigs")
    void failOnConfigErrorStopsTheJvmBeforeMainWithExit78(BadConfig c) throws Exception {
        ForkedJvm.Run run = AgentStartupIT.runHello(c.file().toString(), "-Dlifeline.failOnConfigError=true");
        assertThat(run.exit()).isEqualTo(Startup.EXIT_CONFIG_ERROR);
        assertThat(run.out()).doesNotContain("Hello");
        assertThat(run.err()).contains("event=config.invalid").contains(c.key()).contains(c.problem())
                .contains("event=agent.abort").doesNotContain("\tat ").doesNotContain("Exception in");
    }

    /**
     * Issue 13: on a fleet, JAVA_TOOL_OPTIONS puts the agent in every JVM, next to ops variables such as LIFELINE_HOME.
     * An unknown LIFELINE_* variable or lifeline.* property used to be an error: with failOnConfigError=true every such
     * JVM exited 78. Now each is one warning without its value, and the application runs protected.
     */
    @Test
    void unknownVariablesAndPropertiesAreWarningsEvenWithFailOnConfigError(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("lifeline.properties");
        Files.write(file, "failOnConfigError = true\nmode = enforce\nlog.level = debug\n".getBytes(StandardCharsets.UTF_8));
        ForkedJvm.Run run = AgentStartupIT.runHelloAs(List.of("env", "LIFELINE_HOME=/opt/lifeline",
                        "LIFELINE_KEEPALIVE_INTERVALL=5s"), AgentJarIT.agentJar().toAbsolutePath(),
                Paths.get("target", "test-classes").toAbsolutePath(), System.getProperty("java.home"), file.toString(),
                "-Dlifeline.bench.quick=true");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("Hello" + System.lineSeparator());
        assertThat(run.err()).contains("event=config.unknown-variable name=LIFELINE_HOME")
                .contains("event=config.unknown-variable name=LIFELINE_KEEPALIVE_INTERVALL")
                .contains("did you mean LIFELINE_KEEPALIVE_INTERVAL?")
                .contains("event=config.unknown-property name=lifeline.bench.quick")
                // agent.started waits for the first SSH class (Hello loads none): at debug, premain's agent.loaded
                .contains("event=agent.loaded").contains("mode=enforce").doesNotContain("agent.disabled")
                .doesNotContain("/opt/lifeline").doesNotContain("event=config.invalid").doesNotContain("agent.abort");
    }
}
