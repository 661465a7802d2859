package dev.lifeline.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every invalid input names the file and line, the key, the value and what is accepted. The single bad lines and bad
 * files are the corpus of {@link BadConfigCorpusTest}; here: several errors at once, other layers, runtime changes.
 */
class ValidationTest {
    @TempDir
    Path dir;

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
    void everyErrorIsReportedNotJustTheFirst() {
        Path f = ConfigFiles.write(dir, "many.properties", "keepalive.interval = 15x", "keepalive.intervall = 5s",
                "host.prod.match = 10.0.0.0/33", "keepalive.countMax = -1", "mode = sometimes");
        Config c = ConfigFiles.load(f, null);
        assertThat(c.errors()).extracting(ConfigError::line).containsExactly(1, 3, 4, 5);
        // issue 27: an unknown key (here a typo) is a warning that disables nothing; check still fails on it
        assertThat(c.warnings()).extracting(ConfigWarning::toString).singleElement()
                .satisfies(w -> assertThat(w).startsWith(f + ":2: keepalive.intervall: unknown key"));
    }

    @Test
    void overridesFromOutsideTheFileNameTheirSource() {
        Config c = Config.load("keepalive.interval=soon,stray", Map.of("lifeline.mode", "loud"),
                Map.of("LIFELINE_CLOSE_TIMEOUT", "1x"));
        assertThat(c.errors()).extracting(ConfigError::toString).anySatisfy(s -> assertThat(s)
                .startsWith("agent argument: keepalive.interval = \"soon\""))
                .anySatisfy(s -> assertThat(s).startsWith("agent argument: stray"))
                .anySatisfy(s -> assertThat(s).startsWith("system property lifeline.mode: mode = \"loud\""))
                .anySatisfy(s -> assertThat(s).startsWith("environment LIFELINE_CLOSE_TIMEOUT: close.timeout = \"1x\""));
    }

    /**
     * Issue 22 item 8 in the layers outside a file: an unknown key given twice in the agent argument, or an unknown
     * rule key as a system property, is named without its value; a known key's value is still shown.
     */
    @Test
    void anUnknownKeysValueIsNeverShownOutsideAFile() {
        Config c = Config.load("db.password=Sup3rS3cret!,db.password=Sup3rS3cret!,mode=on,mode=off",
                Map.of("lifeline.host.db.password", "Sup3rS3cret!"), Map.of());
        assertThat(c.errors()).extracting(ConfigError::toString)
                .anySatisfy(s -> assertThat(s).startsWith("agent argument: db.password: duplicate key"))
                .anySatisfy(s -> assertThat(s).startsWith("agent argument: mode = \"off\": duplicate key"))
                .allSatisfy(s -> assertThat(s).doesNotContain("Sup3rS3cret"));
    }

    @Test
    void theTestOnlyFaultInjectionSwitchIsNoConfigurationKeyAndOtherTestPropertiesOnlyWarn() {
        Config c = Config.load("", Map.of(dev.lifeline.report.Faults.PROPERTY, "true", "lifeline.test.other", "x",
                "lifeline.agent.jar", "/tmp/a.jar"), Map.of());
        assertThat(c.errors()).isEmpty();
        assertThat(c.warnings()).extracting(ConfigWarning::key).containsExactlyInAnyOrder("lifeline.test.other",
                "lifeline.agent.jar");
    }

    /**
     * Issue 13: a fleet sets JAVA_TOOL_OPTIONS on every JVM of a host, where ops variables like LIFELINE_HOME live too.
     * An unknown name used to be an error: agent disabled, or exit 78 with failOnConfigError. Now one warning each,
     * without its value (it may be another tool's secret); known keys with bad values stay errors.
     */
    @Test
    void unknownVariablesAndPropertiesAreWarningsThatDisableNothing() {
        Map<String, String> env = Map.of("LIFELINE_HOME", "/opt/lifeline", "LIFELINE_KEEPALIVE_INTERVALL", "5s",
                "LIFELINE_API_TOKEN", "s3cret", "LIFELINE_MODE", "audit", "LIFELINE_HOST_PROD_MATCH", "*.prod");
        Map<String, String> props = Map.of("lifeline.home", "/opt", "lifeline.keepalive.countmax", "2",
                "lifeline.failOnConfigError", "true", "lifeline.host.prod.keepalive.interval", "5s");
        Config c = Config.load("", props, env);

        assertThat(c.errors()).isEmpty();
        assertThat(c.failOnConfigError()).isTrue();
        assertThat(c.mode()).isEqualTo(Mode.AUDIT);
        assertThat(c.policyFor("db.prod", null, 22).keepaliveIntervalMillis()).isEqualTo(5000);
        assertThat(c.warnings()).extracting(ConfigWarning::toString).containsExactlyInAnyOrder(
                "environment LIFELINE_API_TOKEN: LIFELINE_API_TOKEN: unknown variable, ignored; accepted: LIFELINE_<KEY>"
                        + " with dots as _ (LIFELINE_KEEPALIVE_INTERVAL) or LIFELINE_HOST_<NAME>_<KEY>",
                "environment LIFELINE_HOME: LIFELINE_HOME: unknown variable, ignored; accepted: LIFELINE_<KEY>"
                        + " with dots as _ (LIFELINE_KEEPALIVE_INTERVAL) or LIFELINE_HOST_<NAME>_<KEY>",
                "environment LIFELINE_KEEPALIVE_INTERVALL: LIFELINE_KEEPALIVE_INTERVALL: unknown variable, ignored; did"
                        + " you mean LIFELINE_KEEPALIVE_INTERVAL?; accepted: LIFELINE_<KEY> with dots as _"
                        + " (LIFELINE_KEEPALIVE_INTERVAL) or LIFELINE_HOST_<NAME>_<KEY>",
                "system property lifeline.home: lifeline.home: unknown property, ignored; accepted: lifeline.<key>"
                        + " (lifeline.keepalive.interval) or lifeline.host.<name>.<key>",
                "system property lifeline.keepalive.countmax: lifeline.keepalive.countmax: unknown property, ignored;"
                        + " did you mean lifeline.keepalive.countMax?; accepted: lifeline.<key> (lifeline.keepalive.interval)"
                        + " or lifeline.host.<name>.<key>");
        assertThat(c.warnings()).extracting(ConfigWarning::event).containsOnly("config.unknown-variable",
                "config.unknown-property");
        assertThat(c.warnings().toString()).doesNotContain("s3cret").doesNotContain("/opt");
        assertThat(c.appliedFromOutside()).containsExactlyInAnyOrder("environment LIFELINE_MODE -> mode",
                "environment LIFELINE_HOST_PROD_MATCH -> host.prod.match", "system property lifeline.failOnConfigError"
                        + " -> failOnConfigError", "system property lifeline.host.prod.keepalive.interval"
                        + " -> host.prod.keepalive.interval");

        // a rule key that is ours but wrong stays an error, from any layer
        assertThat(Config.load("", Map.of("lifeline.host.prod.match", "*", "lifeline.host.prod.log.file", "/tmp/x"),
                Map.of()).errors()).singleElement().satisfies(e -> assertThat(e.message()).startsWith("'log.file' is global only"));
    }

    /** Issue 13: the agent argument splits at commas and '=': file= (last) takes the rest of it as the path. */
    @Test
    void aPathWithCommasAndEqualsSignsIsNamedWithAFileItemLast() {
        Path odd = dir.resolve("a,b=c");
        Path f = ConfigFiles.write(java.nio.file.Files.exists(odd) ? odd : mkdirs(odd), "x=1,y.properties",
                "mode = audit");
        Config before = Config.load(f.toString(), Map.of(), Map.of());
        assertThat(before.errors()).as("the plain form cannot name it").anySatisfy(e ->
                assertThat(e.message()).startsWith("no such file")).anySatisfy(e ->
                assertThat(e.message()).contains("file=PATH with file= last"));

        Config c = Config.load("keepalive.interval=5s, file=" + f, Map.of(), Map.of());
        assertThat(c.errors()).isEmpty();
        assertThat(c.file()).isEqualTo(f.toString());
        assertThat(c.mode()).isEqualTo(Mode.AUDIT);
        assertThat(c.globalValue("keepalive.interval")).isEqualTo("5s");
        assertThat(Config.load("file=" + f, Map.of(), Map.of()).mode()).isEqualTo(Mode.AUDIT);

        assertThat(Config.load(f + ",file=/etc/other", Map.of(), Map.of()).errors()).anySatisfy(e ->
                assertThat(e.message()).startsWith("a second file"));
        assertThat(Config.load("mode=fill,file=", Map.of(), Map.of()).errors()).singleElement().satisfies(e ->
                assertThat(e.message()).startsWith("no path after file="));
        // check names the file directly: no splitting at all
        assertThat(Config.loadFile(f.toString(), Map.of(), Map.of()).errors()).isEmpty();
    }

    private static Path mkdirs(Path p) {
        try {
            return java.nio.file.Files.createDirectories(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Issue 13: log.file = the configuration file fed itself (each line a change, re-read, rejected, logged: 2.1 MB in 16 s). */
    @Test
    void theLogFileMayNotBeTheConfigurationFile() throws Exception {
        Path f = ConfigFiles.write(dir, "self.properties", "log.file = " + dir.resolve("sub/../self.properties"));
        java.nio.file.Files.createDirectories(dir.resolve("sub"));
        assertThat(ConfigFiles.load(f, null).errors()).singleElement().satisfies(e -> {
            assertThat(e.toString()).startsWith(f + ":1: log.file = \"" + dir.resolve("sub/../self.properties") + "\": is"
                    + " the configuration file " + f + " itself");
            assertThat(e.message()).contains("accepted: a file path other than the configuration file");
        });
        Path link = dir.resolve("link.properties");
        java.nio.file.Files.createSymbolicLink(link, f.getFileName());
        Path viaEnv = ConfigFiles.write(dir, "env.properties", "mode = fill");
        assertThat(Config.load(viaEnv.toString(), Map.of(), Map.of("LIFELINE_LOG_FILE", viaEnv.toString())).errors())
                .singleElement().satisfies(e -> assertThat(e.toString()).startsWith("environment LIFELINE_LOG_FILE"));
        assertThat(ConfigFiles.load(f, "log.file=" + dir.resolve("lifeline.log")).errors()).isEmpty();
    }

    @Test
    void loadNeverThrowsAndAValidFileHasNoErrors() {
        Path f = ConfigFiles.write(dir, "ok.properties", "mode = audit", "host.a.match = *", "host.a.exec.timeout = 1m");
        Config c = ConfigFiles.load(f, null);
        assertThat(c.errors()).isEmpty();
        assertThat(c.ruleCount()).isEqualTo(1);
        assertThat(c.file()).isEqualTo(f.toString());
    }

    /** Issue 13: the bounds are the kernel's and JSch's own; the largest value each takes is still accepted. */
    @Test
    void kernelAndJschLimitsAcceptTheirLargestValueAndRejectTheNextInEveryLayer() {
        Config ok = Config.load("tcp.keepalive.idle=32767s,tcp.keepalive.interval=2000ms,tcp.keepalive.count=127,"
                + "keepalive.interval=2147483647ms,connect.timeout=596h,host.r.match=*,host.r.tcp.keepalive.idle=1",
                Map.of(), Map.of());
        assertThat(ok.errors()).isEmpty();
        Policy p = ok.policyFor("h", null, 22);
        assertThat(p.tcpKeepaliveIdleMillis()).isEqualTo(1000);
        assertThat(p.tcpKeepaliveIntervalMillis()).isEqualTo(2000);
        assertThat(p.keepaliveIntervalMillis()).isEqualTo(Integer.MAX_VALUE);

        Config bad = Config.load("keepalive.interval=2147483648ms", Map.of("lifeline.host.r.match", "*",
                "lifeline.host.r.tcp.keepalive.count", "128"), Map.of("LIFELINE_TCP_KEEPALIVE_INTERVAL", "1500ms"));
        assertThat(bad.errors()).extracting(ConfigError::toString).containsExactlyInAnyOrder(
                "agent argument: keepalive.interval = \"2147483648ms\": too large for JSch's setServerAliveInterval"
                        + " (at most 2147483647ms); accepted: " + Key.KEEPALIVE_INTERVAL.accepted(),
                "environment LIFELINE_TCP_KEEPALIVE_INTERVAL: tcp.keepalive.interval = \"1500ms\": must be a whole number"
                        + " of seconds (TCP_KEEPINTVL counts in seconds); accepted: " + Key.TCP_KEEPALIVE_INTERVAL.accepted(),
                "system property lifeline.host.r.tcp.keepalive.count: host.r.tcp.keepalive.count = \"128\": out of range;"
                        + " accepted: a whole number from 1 to 127 (Linux TCP_KEEPCNT)");
    }
}
