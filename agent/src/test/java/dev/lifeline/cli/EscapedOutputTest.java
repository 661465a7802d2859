package dev.lifeline.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 22, item 2: what the CLI prints from a file or a target JVM is escaped as the log escapes it. A config path
 * with a line break and ESC, a value with U+2028, an MBean attribute with an OSC sequence: none adds a line (a forged
 * {@code state: active}) or reaches the terminal as a control sequence.
 */
class EscapedOutputTest {
    private static final String ESC = "\u001b";
    @TempDir
    Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                java.util.Map.of(), java.util.Map.of());
    }

    private String all() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    private static void assertNothingForged(String printed) {
        assertThat(printed).doesNotContain(ESC).doesNotContain("\u2028").doesNotContain("\u009b").doesNotContain("\r");
        assertThat(printed.lines()).noneMatch(l -> l.startsWith("state: active"));
    }

    @Test
    void checkAndExplainEscapeAPathWithALineBreakAndEscAndAValueWithU2028() throws Exception {
        Path f = dir.resolve("x\nstate: active" + ESC + "[31m.properties");
        Files.write(f, ("log.file = /nonexistent\u2028" + ESC + "]0;owned\u0007/x.log\nmode = loud\u2028\n")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(run("check", f.toString())).isEqualTo(1);
        String printed = all();
        assertNothingForged(printed);
        assertThat(printed).contains("x\\nstate: active\\u001b[31m.properties").contains("\\u2028");

        Path good = dir.resolve("y\nstate: active" + ESC + "[31m.properties");
        Files.write(good, ("log.file = /nonexistent\u2028dir/x.log\nhost.r.match = *.lab\nhost.r.mode = audit\n")
                .getBytes(StandardCharsets.UTF_8));
        out.reset();
        err.reset();
        assertThat(run("check", good.toString())).isZero();
        assertThat(run("explain", good.toString(), "a.lab" + ESC + "[2J")).isZero();
        assertNothingForged(all());
        assertThat(all()).contains("OK: \"" + dir + "/y\\nstate: active\\u001b[31m.properties\"");
    }

    @Test
    void statusEscapesWhatTheTargetReports() {
        Status.Snapshot s = new Status.Snapshot(true);
        s.attributes.put("Version", "1.0" + ESC + "]0;owned" + "\u0007");
        s.attributes.put("State", "active");
        s.attributes.put("StateReason", "");
        s.attributes.put("Mode", "fill\nstate: active");
        s.attributes.put("ConfigFile", "/etc/x\nstate: active" + ESC + "[31m");
        s.attributes.put("LastReload", "2026 ok: file=/x\u2028y");
        s.attributes.put("EffectiveConfiguration", "log.file=/tmp/a" + ESC + "[2J (default)\n");
        s.counters.put("sessionsSeen\nstate: active", 1L);
        s.rules.put("r\u2028", "match a\u0085b\n");
        s.print("42", TerminalText.wrap(new PrintStream(out, true, StandardCharsets.UTF_8)));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertNothingForged(printed);
        assertThat(printed).containsPattern("(?m)^file: +\"/etc/x\\\\nstate: active\\\\u001b\\[31m\"$")
                .contains("\\u0085");
    }
}
