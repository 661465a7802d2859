package dev.lifeline.bench;

import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A library version Lifeline does not support is left alone with one log line, never half-instrumented. */
class UnsupportedVersionTest {
    @Test
    void minaBeforeHeartbeatReplyCountingRunsUnchangedWithOneLogLine(@TempDir Path dir) throws Exception {
        try (MinaServer server = MinaServer.start(dir);
             ForkedJvm app = Bench.withAgent(Bench.app("MinaExec", "sshd-" + Versions.SSHD_UNSUPPORTED, Bench.defaultJdk()), null)
                     .args(server.target("echo hi")).start()) {
            app.awaitExit(60_000);
            assertThat(app.result()).containsEntry("status", "ok").containsEntry("out", "hi");
            assertThat(app.stderr().stream().filter(l -> l.contains("event=instrumentation.unsupported")
                    && l.contains("ClientConnectionService") && l.contains("before 2.13"))).hasSize(1);
            assertThat(app.stderr()).noneMatch(l -> l.contains("event=session.configured"));
        }
    }
}
