package dev.lifeline.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every invalid input names the file and line, the key, the value and what is accepted. */
class ValidationTest {
    @TempDir
    Path dir;

    private ConfigError onlyError(String line) {
        Path f = ConfigFiles.write(dir, "bad.properties", "# first line is a comment", line);
        List<ConfigError> errors = ConfigFiles.load(f, null).errors();
        assertThat(errors).hasSize(1);
        ConfigError e = errors.get(0);
        assertThat(e.file()).isEqualTo(f.toString());
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.toString()).startsWith(f + ":2: ");
        return e;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "keepalive.interval = 15x          | keepalive.interval | 15x        | unknown unit         | ms, s, m or h",
            "keepalive.interval = -3s          | keepalive.interval | -3s        | negative             | ms, s, m or h",
            "connect.timeout = 1.5s            | connect.timeout    | 1.5s       | fractions            | ms, s, m or h",
            "close.timeout = 9999999999999h    | close.timeout      | 9999999999999h | too large        | at most 30 days",
            "keepalive.countMax = -1           | keepalive.countMax | -1         | negative count       | 1 to 1000",
            "keepalive.countMax = three        | keepalive.countMax | three      | not a whole number   | 1 to 1000",
            "tcp.keepalive.count = 0           | tcp.keepalive.count | 0         | out of range         | 1 to 1000",
            "tcp.keepalive = maybe             | tcp.keepalive      | maybe      | not a boolean        | true or false",
            "mode = sometimes                  | mode               | sometimes  | not a mode           | fill, enforce, audit or off",
            "failOnConfigError = 1             | failOnConfigError  | 1          | not a boolean        | true or false",
            "log.level = loud                  | log.level          | loud       | not a log level      | debug, info, warn or error",
            "jmx.enabled = on                  | jmx.enabled        | on         | not a boolean        | true or false",
            "jmx.writable = 1                  | jmx.writable       | 1          | not a boolean        | true or false",
            "log.levle = debug                 | log.levle          | debug      | did you mean log.level? | one of",
            "keepalive.intervall = 5s          | keepalive.intervall | 5s        | did you mean keepalive.interval? | one of",
            "exec.idletimeout = 5s             | exec.idletimeout   | 5s         | did you mean exec.idleTimeout?   | one of",
            "host.prod.match = 10.0.0.0/33     | host.prod.match    | 10.0.0.0/33 | prefix length must be 0 to 32 | IP or CIDR",
            "host.prod.match = 300.1.1.1/8     | host.prod.match    | 300.1.1.1/8 | not an IP address | IP or CIDR",
            "host.prod.match = *:99999         | host.prod.match    | *:99999    | port must be 1 to 65535 | :port",
            "host.prod.match =                 | host.prod.match    | ''         | empty match       | host glob",
            "host.prod.keepalive.intrval = 5s  | host.prod.keepalive.intrval | 5s | did you mean keepalive.interval? | accepted in a rule",
            "host.prod.failOnConfigError = true | host.prod.failOnConfigError | true | global only   | accepted in a rule",
            "host.prod.log.file = /tmp/x.log   | host.prod.log.file | /tmp/x.log | global only       | accepted in a rule",
            "host.prod.jmx.writable = true     | host.prod.jmx.writable | true   | global only       | accepted in a rule",
            "host..match = x                   | host..match        | x          | incomplete rule key | host.<name>.match",
            "host.pr*d.match = x               | host.pr*d.match    | x          | is not valid      | letters, digits",
            "just-a-word                       | just-a-word        |            | no value          | key = value",
    })
    void namesFileLineKeyValueAndTheAcceptedForm(String line, String key, String value, String problem, String accepted) {
        ConfigError e = line.startsWith("host.") ? onlyErrorWithRule(line) : onlyError(line);
        assertThat(e.key()).isEqualTo(key);
        if (value != null) {
            assertThat(e.value()).isEqualTo(value);
            assertThat(e.toString()).contains("\"" + value + "\"");
        }
        assertThat(e.message()).contains(problem).contains("accepted").contains(accepted);
    }

    /** A rule line alone also reports its missing match line: look at the first error, the one on the line. */
    private ConfigError onlyErrorWithRule(String line) {
        Path f = ConfigFiles.write(dir, "bad.properties", "# first line is a comment", line);
        List<ConfigError> errors = ConfigFiles.load(f, null).errors();
        assertThat(errors).isNotEmpty();
        ConfigError e = errors.get(0);
        assertThat(e.line()).isEqualTo(2);
        return e;
    }

    @Test
    void aLogFileWithAControlCharacterIsAnError() {
        Config c = Config.load("log.file=/tmp/a\u0001b.log", Map.of(), Map.of());
        assertThat(c.errors()).singleElement().satisfies(e -> assertThat(e.message())
                .contains("control character").contains("accepted: a file path"));
    }

    @Test
    void operationsKeysParseAndAnEmptyLogFileMeansStderr() {
        Path f = ConfigFiles.write(dir, "ops.properties", "log.level = WARN", "log.file =", "jmx.enabled = no",
                "jmx.writable = yes");
        Config c = ConfigFiles.load(f, null);
        assertThat(c.errors()).isEmpty();
        assertThat(c.logLevel()).isEqualTo(dev.lifeline.report.Log.Level.WARN);
        assertThat(c.globalValue("log.level")).isEqualTo("warn");
        assertThat(c.logFile()).isEmpty();
        assertThat(c.jmxEnabled()).isFalse();
        assertThat(c.jmxWritable()).isTrue();
        Config defaults = Config.defaults();
        assertThat(defaults.logLevel()).isEqualTo(dev.lifeline.report.Log.Level.INFO);
        assertThat(defaults.jmxEnabled()).isTrue();
        assertThat(defaults.jmxWritable()).isFalse();
    }

    @Test
    void aRuntimeChangeIsValidatedLikeAFileLineAndNamesItsSource() {
        Config c = Config.load("mode=audit", Map.of(), Map.of());
        Config off = c.withGlobal(Key.MODE, "off", "JMX setMode");
        assertThat(off.mode()).isEqualTo(Mode.OFF);
        assertThat(off.globalSource("mode")).isEqualTo("JMX setMode");
        assertThat(c.mode()).as("the original is unchanged").isEqualTo(Mode.AUDIT);
        assertThatThrownBy(() -> c.withGlobal(Key.MODE, "loud", "JMX setMode"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mode = \"loud\": not a mode; accepted: fill, enforce, audit or off");
    }

    @Test
    void aRuleWithoutMatchIsAnError() {
        ConfigError e = onlyError("host.prod.keepalive.interval = 5s");
        assertThat(e.key()).isEqualTo("host.prod.match");
        assertThat(e.message()).contains("no match line").contains("accepted");
    }

    @Test
    void aDuplicateKeyNamesBothLines() {
        Path f = ConfigFiles.write(dir, "dup.properties", "mode = fill", "keepalive.interval = 5s", "mode = enforce");
        List<ConfigError> errors = ConfigFiles.load(f, null).errors();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).line()).isEqualTo(3);
        assertThat(errors.get(0).message()).contains("duplicate key, already set on line 1");
    }

    @Test
    void everyErrorIsReportedNotJustTheFirst() {
        Path f = ConfigFiles.write(dir, "many.properties", "keepalive.interval = 15x", "keepalive.intervall = 5s",
                "host.prod.match = 10.0.0.0/33", "keepalive.countMax = -1", "mode = sometimes");
        List<ConfigError> errors = ConfigFiles.load(f, null).errors();
        assertThat(errors).extracting(ConfigError::line).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void missingFileDirectoryBinaryAndHugeFilesAreErrorsOfTheSameKind() throws Exception {
        Path missing = dir.resolve("nope.properties");
        Path binary = dir.resolve("binary.properties");
        Files.write(binary, new byte[]{(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0xc3});
        Path nul = dir.resolve("nul.properties");
        Files.write(nul, "mode = fill\0\n".getBytes(StandardCharsets.UTF_8));
        Path huge = dir.resolve("huge.properties");
        Files.write(huge, new byte[(int) ConfigLoader.MAX_FILE_BYTES + 1]);
        assertThat(fileError(missing)).contains("no such file");
        assertThat(fileError(dir)).contains("is a directory");
        assertThat(fileError(binary)).contains("invalid UTF-8");
        assertThat(fileError(nul)).contains("NUL");
        assertThat(fileError(huge)).contains("too large");
    }

    private String fileError(Path p) {
        List<ConfigError> errors = Config.load(p.toString(), Map.of(), Map.of()).errors();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).key()).isEqualTo("file");
        assertThat(errors.get(0).message()).contains("accepted");
        return errors.get(0).toString();
    }

    @Test
    void overridesFromOutsideTheFileNameTheirSource() {
        Config c = Config.load("keepalive.interval=soon,stray", Map.of("lifeline.mode", "loud"), Map.of("LIFELINE_NOPE", "1"));
        assertThat(c.errors()).extracting(ConfigError::toString).anySatisfy(s -> assertThat(s)
                .startsWith("agent argument: keepalive.interval = \"soon\""))
                .anySatisfy(s -> assertThat(s).startsWith("agent argument: stray"))
                .anySatisfy(s -> assertThat(s).startsWith("system property lifeline.mode: mode = \"loud\""))
                .anySatisfy(s -> assertThat(s).startsWith("environment LIFELINE_NOPE: LIFELINE_NOPE = \"1\""));
    }

    @Test
    void loadNeverThrowsAndAValidFileHasNoErrors() {
        Path f = ConfigFiles.write(dir, "ok.properties", "mode = audit", "host.a.match = *", "host.a.exec.timeout = 1m");
        Config c = ConfigFiles.load(f, null);
        assertThat(c.errors()).isEmpty();
        assertThat(c.ruleCount()).isEqualTo(1);
        assertThat(c.file()).isEqualTo(f.toString());
    }
}
