package dev.lifeline.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CliTest {
    @TempDir
    Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path file(String... lines) throws Exception {
        Path f = dir.resolve("lifeline.properties");
        Files.write(f, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        return f;
    }

    @Test
    void checkReportsAllFiveDistinctMistakesWithLineKeyValueAndAcceptedForm() throws Exception {
        Path f = file("keepalive.interval = 15x", "keepalive.intervall = 5s", "host.prod.match = 10.0.0.0/33",
                "host.prod.keepalive.interval = 5s", "keepalive.countMax = -1", "mode = sometimes");
        int code = run("check", f.toString());
        String e = err.toString(StandardCharsets.UTF_8);
        assertThat(code).isNotZero();
        assertThat(e).contains(f + ":1: keepalive.interval = \"15x\": unknown unit 'x'; accepted: a whole number with unit ms, s, m or h")
                .contains(f + ":2: keepalive.intervall = \"5s\": unknown key; did you mean keepalive.interval?; accepted:")
                .contains(f + ":3: host.prod.match = \"10.0.0.0/33\": bad pattern '10.0.0.0/33': prefix length must be 0 to 32; accepted:")
                .contains(f + ":5: keepalive.countMax = \"-1\": negative count; accepted: a whole number from 1 to 1000")
                .contains(f + ":6: mode = \"sometimes\": not a mode; accepted: fill, enforce, audit or off")
                .contains("5 errors");
    }

    @Test
    void checkAcceptsAValidFile() throws Exception {
        Path f = file("mode = enforce", "host.prod.match = *.prod", "host.prod.keepalive.interval = 5s");
        assertThat(run("check", f.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("OK: " + f + " (1 rule)");
    }

    @Test
    void explainShowsTheRuleValueWinningOverTheGlobalWithItsSource() throws Exception {
        Path f = file("keepalive.interval = 20s", "host.prod.match = *.prod.example.com 10.0.0.0/8",
                "host.prod.keepalive.interval = 5s", "host.lab.match = *:2222", "host.lab.keepalive.interval = 1s");
        assertThat(run("explain", f.toString(), "db1.prod.example.com:2222")).isZero();
        String o = out.toString(StandardCharsets.UTF_8);
        assertThat(o).contains("# rules matching, in file order: prod lab")
                .containsPattern("keepalive\\.interval 5s\\s+# rule prod \\(" + java.util.regex.Pattern.quote(f.toString()) + ":3\\)")
                .containsPattern("keepalive\\.countMax 3\\s+# default")
                .containsPattern("mode fill\\s+# default");
        out.reset();
        assertThat(run("explain", f.toString(), "elsewhere")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern("keepalive\\.interval 20s\\s+# " + java.util.regex.Pattern.quote(f.toString()) + ":1");
    }

    @Test
    void explainRefusesAnInvalidFile() throws Exception {
        Path f = file("mode = loud");
        assertThat(run("explain", f.toString(), "h")).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("mode = \"loud\"");
    }

    @Test
    void unknownCommandPrintsUsage() {
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage:");
    }
}
