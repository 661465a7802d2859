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

    private int runWith(java.util.Map<String, String> sysprops, java.util.Map<String, String> env, String... args) {
        return Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                sysprops, env);
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
                .contains(f + ":2: keepalive.intervall: unknown key, ignored") // no value: issue 22; ignored by the agent: 27
                .contains("did you mean keepalive.interval?; accepted:")
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

    /**
     * Issue 13: check used to say OK while start-up, with LIFELINE_HOME set, disabled the agent. It now applies its own
     * JVM's variables and properties as start-up would, and says which; unknown ones are warnings and the file is OK.
     */
    @Test
    void checkAppliesAndNamesTheVariablesItSeesAndWarnsAboutUnknownOnes() throws Exception {
        Path f = file("mode = enforce");
        assertThat(runWith(java.util.Map.of("lifeline.keepalive.interval", "5s"),
                java.util.Map.of("LIFELINE_HOME", "/opt/lifeline", "LIFELINE_MODE", "audit", "PATH", "/bin"), "check", f.toString()))
                .isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("OK: " + f + " (0 rules), 1 warning\n"
                + "applied as start-up would from this check's JVM: environment LIFELINE_MODE -> mode, system property"
                + " lifeline.keepalive.interval -> keepalive.interval; ignored (unknown, warning only): LIFELINE_HOME (the"
                + " agent applies those of the JVM it runs in)\n");
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("warning: environment LIFELINE_HOME: LIFELINE_HOME:"
                + " unknown variable, ignored; accepted: LIFELINE_<KEY> with dots as _ (LIFELINE_KEEPALIVE_INTERVAL) or"
                + " LIFELINE_HOST_<NAME>_<KEY>\n");

        out.reset();
        err.reset();
        assertThat(runWith(java.util.Map.of(), java.util.Map.of("LIFELINE_MODE", "loud"), "check", f.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: environment LIFELINE_MODE: mode = \"loud\": not a mode")
                .contains("1 error; as an agent").contains("applied as start-up would from this check's JVM: environment"
                        + " LIFELINE_MODE -> mode");

        out.reset();
        assertThat(runWith(java.util.Map.of(), java.util.Map.of("HOME", "/root"), "check", f.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("checked the file only: this check's JVM has no"
                + " LIFELINE_* variables and no lifeline.* system properties");
    }

    @Test
    void checkWarnsAboutALogDirectoryThatDoesNotExistAndRulesThatCannotMatch() throws Exception {
        Path f = file("log.file = " + dir.resolve("no-such-dir/lifeline.log"), "host.r.match = !db*", "host.r.mode = off");
        assertThat(runWith(java.util.Map.of(), java.util.Map.of(), "check", f.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("OK: " + f + " (1 rule), 2 warnings");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("warning: " + f + ":2: host.r.match: \"!db*\" has only"
                + " negated patterns, so the rule can never match").contains("warning: " + f + ":1: log.file = \""
                + dir.resolve("no-such-dir/lifeline.log") + "\": directory " + dir.resolve("no-such-dir") + " does not exist");
    }

    @Test
    void checkOfAFifoAnswersAtOnceAndAPathWithCommasIsCheckedAsItIs() throws Exception {
        Path fifo = dir.resolve("pipe.properties");
        dev.lifeline.config.ConfigFiles.mkfifo(fifo);
        int code = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5),
                () -> runWith(java.util.Map.of(), java.util.Map.of(), "check", fifo.toString()));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("is a FIFO (named pipe), not a regular file");

        out.reset();
        Path odd = dir.resolve("a,b=c.properties");
        Files.write(odd, "mode = audit\n".getBytes(StandardCharsets.UTF_8));
        assertThat(runWith(java.util.Map.of(), java.util.Map.of(), "check", odd.toString())).isZero();
        assertThat(run("explain", odd.toString(), "h")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern("mode audit\\s+# ");
    }

    @Test
    void explainRejectsAPortOutsideOneTo65535OrNotANumber() throws Exception {
        Path f = file("mode = fill");
        for (String target : new String[]{"h:0", "h:65536", "h:99999999999", "h:ssh", "[::1]:-1", "h:"}) {
            err.reset();
            assertThat(run("explain", f.toString(), target)).as(target).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(target).startsWith("lifeline: bad port '")
                    .contains("accepted: HOST or HOST:PORT with PORT from 1 to 65535");
        }
        assertThat(run("explain", f.toString(), "h:65535")).isZero();
        assertThat(run("explain", f.toString(), "[::1]:1")).isZero();
    }
}
