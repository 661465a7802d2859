package dev.lifeline.config;

import dev.lifeline.cli.Cli;
import dev.lifeline.config.ConfigFiles.BadConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8: the corpus of bad configuration inputs ({@code src/test/resources/bad-configs/}, listed with the error each
 * must give in {@code expected.txt}, plus the cases made at test time). Each one is a named error, naming the key, the
 * value and what is accepted, never an exception: at start-up ({@link Config#load}, what the agent runs) and in
 * {@code check}. {@code AgentStartupIT} runs a few of them in a JVM with the agent.
 */
class BadConfigCorpusTest {
    /** One directory for the generated cases of the whole class (the corpus is listed once per test method). */
    @TempDir
    static Path generated;

    static Stream<BadConfig> corpus() {
        return ConfigFiles.corpus(generated).stream();
    }

    private static void skipUnreadableAsRoot(BadConfig c) {
        if (c.unreadable()) {
            Assumptions.assumeFalse(Files.isReadable(c.file()),
                    "running as root (or with CAP_DAC_OVERRIDE): chmod 000 does not stop it reading " + c.file());
        }
    }

    @Test
    void theCorpusHasAtLeastFiftyCasesAndListsEveryFileOfItsDirectory() throws IOException {
        Set<String> listed = ConfigFiles.corpusFiles().stream().map(c -> c.file().getFileName().toString())
                .collect(Collectors.toSet());
        Set<String> present;
        try (Stream<Path> files = Files.list(ConfigFiles.corpusDirectory())) {
            present = files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("expected.txt"))
                    .collect(Collectors.toSet());
        }
        assertThat(listed).isEqualTo(present);
        assertThat(ConfigFiles.corpus(generated)).hasSizeGreaterThanOrEqualTo(50);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void loadingGivesANamedErrorWithKeyValueAndWhatIsAccepted(BadConfig c) {
        skipUnreadableAsRoot(c);
        List<ConfigError> errors = Config.load(c.file().toString(), Map.of(), Map.of()).errors();

        assertThat(errors).as("errors of %s", c).isNotEmpty();
        // Config.load turns an exception inside the loader into one error on key "configuration": a crash, not a finding
        assertThat(errors).noneSatisfy(e -> assertThat(e.key()).isEqualTo("configuration"));
        assertThat(errors).allSatisfy(e -> {
            assertThat(e.message()).containsPattern("; accepted( in a rule)?: ");
            assertThat(e.file()).as("every error is placed in the file").isEqualTo(c.file().toString());
        });
        assertThat(errors).as("the expected error of %s among %s", c, errors).anySatisfy(e -> {
            assertThat(e.key()).isEqualTo(c.key());
            assertThat(e.value()).isEqualTo(c.value());
            assertThat(e.file()).isEqualTo(c.file().toString());
            assertThat(e.line()).isEqualTo(c.line());
            assertThat(e.toString()).startsWith(c.file() + (c.line() > 0 ? ":" + c.line() : "") + ": ");
            assertThat(e.message()).contains(c.problem());
            assertThat(e.message().substring(e.message().indexOf("; accepted"))).contains(c.accepted());
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void checkExitsOneAndListsTheErrorWithoutAStackTrace(BadConfig c) {
        skipUnreadableAsRoot(c);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Cli.run(new String[]{"check", c.file().toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String stderr = err.toString(StandardCharsets.UTF_8);

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        String keyShown = c.key().length() > 200 ? c.key().substring(0, 200) : c.key();
        assertThat(stderr).startsWith("error: ").contains(keyShown).contains(c.problem()).contains(c.accepted())
                .containsPattern("\\d+ errors?; as an agent Lifeline would change nothing")
                .doesNotContain("\tat ").doesNotContain("Exception in").doesNotContain("could not be read (");
        if (c.value() != null && !c.value().isEmpty()) {
            String shown = c.value().length() > 40 ? c.value().substring(0, 40) : c.value();
            // issue 22: the CLI prints it as the log escapes it (non-ASCII as \\uXXXX)
            assertThat(stderr).as("the value, control characters as ?")
                    .contains("\"" + dev.lifeline.report.Log.escapeLine(shown.replace('\t', '?')));
        }
    }

    @Test
    void aFileOfTenThousandBadLinesReportsEveryOneOfThem() {
        BadConfig many = ConfigFiles.generatedCases(generated).stream()
                .filter(c -> c.name().equals("ten-thousand-bad-lines")).findFirst().orElseThrow();
        List<ConfigError> errors = Config.load(many.file().toString(), Map.of(), Map.of()).errors();
        assertThat(errors).hasSize(ConfigFiles.TEN_THOUSAND);
        assertThat(errors.get(ConfigFiles.TEN_THOUSAND - 1).line()).isEqualTo(ConfigFiles.TEN_THOUSAND);
    }
}
