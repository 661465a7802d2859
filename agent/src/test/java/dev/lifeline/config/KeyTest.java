package dev.lifeline.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeyTest {
    /** Duration keys carry their default twice, as written and in milliseconds (so premain parses none): they agree. */
    @Test
    void everyDefaultIsItsTextParsed() {
        for (Key k : Key.all().values()) {
            assertThat(k.defaultValue).as(k.name).isEqualTo(k.parse(k.defaultText));
        }
    }
}
