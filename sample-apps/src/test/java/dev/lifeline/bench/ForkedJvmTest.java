package dev.lifeline.bench;

import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.Test;

import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The harness every forked test relies on: it reports what a stuck child printed, and leaves nothing running. */
class ForkedJvmTest {
    private static ForkedJvm.Builder spawner() throws Exception {
        String testClasses = Paths.get(SpawnsAGrandchild.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        return ForkedJvm.builder(SpawnsAGrandchild.class.getName()).classpath(testClasses).echo("    [spawner] ");
    }

    @Test
    void awaitExitOnAStuckChildFailsWithEverythingItPrinted() throws Exception {
        try (ForkedJvm app = spawner().start()) {
            app.awaitLine(Pattern.compile("^a line on stderr"), Duration.ofSeconds(30));
            assertThatThrownBy(() -> app.awaitExit(Duration.ofMillis(300)))
                    .isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("still running")
                    .hasMessageContaining("READY grandchild=")
                    .hasMessageContaining("a line on stderr");
            assertThat(app.isAlive()).isTrue();
            assertThat(app.resultLine()).isNull();
            assertThat(app.result()).isEmpty();
        }
    }

    @Test
    void closeKillsTheChildAndEverythingItStarted() throws Exception {
        ForkedJvm app = spawner().start();
        long grandchild;
        try (app) {
            String ready = app.awaitLine(Pattern.compile("^READY grandchild=(\\d+)"), Duration.ofSeconds(30));
            grandchild = Long.parseLong(ready.substring(ready.indexOf('=') + 1));
            assertThat(ProcessHandle.of(grandchild)).hasValueSatisfying(h -> assertThat(h.isAlive()).isTrue());
        }
        assertThat(app.isAlive()).isFalse();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ProcessHandle.of(grandchild).map(h -> !h.isAlive()).orElse(true));
    }
}
