package dev.lifeline.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code watchdog.threshold}: a duration like the others, 0 (off) by default, global only. */
class WatchdogThresholdTest {
    @Test
    void offByDefaultAndTakesDurations() {
        assertThat(Config.defaults().watchdogThresholdMillis()).isZero();
        assertThat(Config.load("watchdog.threshold=5m", Map.of(), Map.of()).watchdogThresholdMillis()).isEqualTo(300000);
        assertThat(Config.load("watchdog.threshold=90", Map.of(), Map.of()).watchdogThresholdMillis()).isEqualTo(90000);
        assertThat(Config.load("watchdog.threshold=2s", Map.of(), Map.of()).globalValue("watchdog.threshold")).isEqualTo("2s");
    }

    @Test
    void badValuesAndPerHostUseAreErrors() {
        assertThat(Config.load("watchdog.threshold=-1s", Map.of(), Map.of()).errors()).singleElement()
                .satisfies(e -> assertThat(e.toString()).contains("watchdog.threshold").contains("negative"));
        assertThat(Config.load("watchdog.threshold=1.5s", Map.of(), Map.of()).errors()).hasSize(1);
        assertThat(Config.load("host.db.match=db*,host.db.watchdog.threshold=5m", Map.of(), Map.of()).errors())
                .singleElement().satisfies(e -> assertThat(e.toString()).contains("watchdog.threshold"));
    }
}
