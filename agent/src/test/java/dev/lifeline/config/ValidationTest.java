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
        List<ConfigError> errors = ConfigFiles.load(f, null).errors();
        assertThat(errors).extracting(ConfigError::line).containsExactly(1, 2, 3, 4, 5);
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
    void theTestOnlyFaultInjectionSwitchIsNoConfigurationKey() {
        Config c = Config.load("", Map.of(dev.lifeline.report.Faults.PROPERTY, "true", "lifeline.test.other", "x"), Map.of());
        assertThat(c.errors()).extracting(ConfigError::key).containsExactly("test.other");
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
