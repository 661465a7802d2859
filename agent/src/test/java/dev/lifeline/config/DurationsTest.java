package dev.lifeline.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({"500ms,500", "15s,15000", "2m,120000", "1h,3600000", "15,15000", "0,0", "0s,0", "' 7s ',7000",
            "15S,15000", "30d,-1"})
    void acceptsUnitsAndABareNumberAsSeconds(String text, long millis) {
        if (millis < 0) {
            assertThatThrownBy(() -> Key.parseMillis(text)).hasMessageContaining("unknown unit 'd'");
            return;
        }
        assertThat(Key.parseMillis(text)).isEqualTo(millis);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1s", "-5", "1.5s", "abc", "", "s", "15x", "99999999999999999999s", "721h", "15 s s"})
    void rejectsNegativesFractionsUnknownUnitsAndOverflow(String text) {
        assertThatThrownBy(() -> Key.parseMillis(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void printsBackInTheSameSyntax() {
        assertThat(Durations.format(15000)).isEqualTo("15s");
        assertThat(Durations.format(120000)).isEqualTo("2m");
        assertThat(Durations.format(1500)).isEqualTo("1500ms");
        assertThat(Durations.format(3600000)).isEqualTo("1h");
        assertThat(Durations.format(0)).isEqualTo("0");
    }

    @Test
    void namesTheProblemInItsMessage() {
        assertThatThrownBy(() -> Key.parseMillis("1.5s")).hasMessageContaining("fractions");
        assertThatThrownBy(() -> Key.parseMillis("-2s")).hasMessageContaining("negative");
        assertThatThrownBy(() -> Key.parseMillis("31d")).hasMessageContaining("unit");
        assertThatThrownBy(() -> Key.parseMillis("800h")).hasMessageContaining("too large");
    }
}
