package dev.lifeline.config;

import dev.lifeline.cli.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 27, version skew: a file written for a newer Lifeline (one key this jar does not know) used to disable the
 * agent entirely, so rolling a new setting out to the file before every JVM had the new jar left the older JVMs
 * unprotected. An unknown key is now one named warning ({@code config.unknown-key}, with a "did you mean" when one is
 * close, never its value) and the rest of the file applies; a known key with a bad value stays an error; {@code check}
 * still exits 1 on unknown keys, so a config repository's CI catches typos.
 */
class UnknownKeyTest {
    @TempDir
    Path dir;

    private Path file(String text) throws Exception {
        Path f = dir.resolve("lifeline.properties");
        Files.write(f, text.getBytes(StandardCharsets.UTF_8));
        return f;
    }

    @Test
    void aNewerLifelinesKeysAreWarningsAndTheRestOfTheFileApplies() throws Exception {
        Path f = file("keepalive.interval = 5s\nsftp.someFutureKnob = 3s\n"
                + "host.prod.match = *.prod\nhost.prod.someFutureKnob = on\nhost.prod.keepalive.countMax = 2\n");
        Config c = Config.loadFile(f.toString(), Map.of(), Map.of());

        assertThat(c.errors()).isEmpty();
        assertThat(c.policyFor("db.prod", null, 22).keepaliveIntervalMillis()).isEqualTo(5000);
        assertThat(c.policyFor("db.prod", null, 22).keepaliveCountMax()).isEqualTo(2);
        assertThat(c.warnings()).extracting(ConfigWarning::event).containsExactly(ConfigWarning.UNKNOWN_KEY, ConfigWarning.UNKNOWN_KEY);
        assertThat(c.warnings()).extracting(ConfigWarning::toString).containsExactly(
                f + ":2: sftp.someFutureKnob: unknown key" + ConfigLoader.IGNORED + "; accepted: one of " + Key.all().keySet()
                        + " or host.<name>.<key>",
                f + ":4: host.prod.someFutureKnob: unknown key" + ConfigLoader.IGNORED + "; accepted in a rule: "
                        + RuleEntries.subKeys());
        assertThat(c.warnings()).allSatisfy(w -> assertThat(w.failsCheck()).isTrue());
    }

    @Test
    void aTypoIsNamedWithDidYouMeanAndItsValueIsNeverShown() throws Exception {
        Path f = file("keepalive.intervall = Sup3rS3cret!\nhost.prod.match = *.prod\nhost.prod.keepalive.intrval = Sup3rS3cret!\n");
        Config c = Config.loadFile(f.toString(), Map.of(), Map.of());
        assertThat(c.errors()).isEmpty();
        assertThat(c.warnings()).extracting(ConfigWarning::toString)
                .anySatisfy(s -> assertThat(s).contains("keepalive.intervall: unknown key").contains("did you mean keepalive.interval?"))
                .anySatisfy(s -> assertThat(s).contains("host.prod.keepalive.intrval: unknown key").contains("did you mean keepalive.interval?"))
                .allSatisfy(s -> assertThat(s).doesNotContain("Sup3rS3cret"));
    }

    @Test
    void aKnownKeyWithABadValueOrAGlobalKeyInARuleStaysAnError() throws Exception {
        Path f = file("future.key = 1\nkeepalive.interval = soon\nhost.prod.match = *.prod\nhost.prod.jmx.enabled = false\n");
        Config c = Config.loadFile(f.toString(), Map.of(), Map.of());
        assertThat(c.errors()).extracting(ConfigError::key).containsExactlyInAnyOrder("keepalive.interval", "host.prod.jmx.enabled");
        assertThat(c.warnings()).extracting(ConfigWarning::key).containsExactly("future.key");
    }

    @Test
    void theAgentArgumentsUnknownKeyIsAWarningToo() {
        Config c = Config.load("future.key=Sup3rS3cret!,keepalive.interval=7s", Map.of(), Map.of());
        assertThat(c.errors()).isEmpty();
        assertThat(c.policyFor("any", null, 22).keepaliveIntervalMillis()).isEqualTo(7000);
        assertThat(c.warnings()).extracting(ConfigWarning::toString).singleElement()
                .satisfies(s -> assertThat(s).startsWith("agent argument: future.key: unknown key").doesNotContain("Sup3rS3cret"));
    }

    /** The files that were errors in the bad-configuration corpus until version skew made them warnings. */
    @ParameterizedTest
    @ValueSource(strings = {"key-openssh-name", "key-environment-name", "key-unknown", "key-very-long", "rule-unknown-key",
            "key-typo", "key-typo-level", "key-wrong-case", "key-capitalised"})
    void checkStillExitsOneOnAnUnknownKeyAndSaysTheAgentAppliesTheRest(String name) throws Exception {
        Path f = Paths.get(resource("/unknown-keys/" + name + ".properties"));
        Config c = Config.loadFile(f.toString(), Map.of(), Map.of());
        assertThat(c.errors()).isEmpty();
        assertThat(c.warnings()).singleElement().satisfies(w -> {
            assertThat(w.event()).isEqualTo(ConfigWarning.UNKNOWN_KEY);
            assertThat(w.toString()).startsWith(f + ":2: ");
        });

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Cli.run(new String[]{"check", f.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: " + f + ":2: ").contains(": unknown key")
                .contains("1 error, all unknown keys: as an agent this Lifeline would ignore them and apply the rest of the file")
                .doesNotContain("would change nothing");
    }

    private static java.net.URI resource(String name) throws URISyntaxException {
        return UnknownKeyTest.class.getResource(name).toURI();
    }
}
