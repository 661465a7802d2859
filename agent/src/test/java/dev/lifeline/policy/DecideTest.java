package dev.lifeline.policy;

import dev.lifeline.config.Mode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class DecideTest {
    @ParameterizedTest(name = "{0}: app={1} wanted={2} -> {3}")
    @CsvSource({
            "FILL, 0, 15000, 15000",      // the app left it unset: fill sets it
            "FILL, 60000, 15000, -1",     // the app chose: fill leaves it
            "FILL, 5000, 15000, -1",
            "FILL, 0, 0, -1",             // 0 = off in the policy: nothing to set
            "ENFORCE, 0, 15000, 15000",
            "ENFORCE, 60000, 15000, 15000", // the smaller wins
            "ENFORCE, 5000, 15000, -1",
            "ENFORCE, 60000, 0, -1",
            "AUDIT, 0, 15000, -1",
            "OFF, 0, 15000, -1",
    })
    void modeDecidesWhetherTheAppsValueStays(Mode mode, long app, long wanted, long expected) {
        assertThat(Decide.timeout(mode, app, wanted)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}: app={1} -> would set {2}")
    @CsvSource({"AUDIT, 0, 15000", "AUDIT, 60000, -1", "FILL, 0, -1", "OFF, 0, -1"})
    void auditReportsWhatFillWouldSet(Mode mode, long app, long expected) {
        assertThat(Decide.wouldSet(mode, app, 15000)).isEqualTo(expected);
    }
}
