package dev.lifeline;

import dev.lifeline.config.ConfigFiles;
import dev.lifeline.config.ConfigFiles.BadConfig;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
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
            "rule-global-only-failOnConfigError", "duration-overflow-long", "directory", "too-large");

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
        AgentStartupIT.Run run = AgentStartupIT.runHello(c.file().toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("Hello" + System.lineSeparator());
        assertThat(run.err()).contains("event=config.invalid").contains(c.key()).contains(c.problem())
                .contains(c.accepted()).contains("event=agent.disabled").doesNotContain("event=agent.started")
                .doesNotContain("\tat ").doesNotContain("Exception in");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("someBadConfigs")
    void failOnConfigErrorStopsTheJvmBeforeMainWithExit78(BadConfig c) throws Exception {
        AgentStartupIT.Run run = AgentStartupIT.runHello(c.file().toString(), "-Dlifeline.failOnConfigError=true");
        assertThat(run.exit()).isEqualTo(Lifeline.EXIT_CONFIG_ERROR);
        assertThat(run.out()).doesNotContain("Hello");
        assertThat(run.err()).contains("event=config.invalid").contains(c.key()).contains(c.problem())
                .contains("event=agent.abort").doesNotContain("\tat ").doesNotContain("Exception in");
    }
}
