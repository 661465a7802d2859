package dev.lifeline;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Issue 7: the configuration file is re-read when it changes; a bad file is rejected whole and the old policy kept. */
class ConfigReloadIT {
    @TempDir
    Path dir;

    private Process child;

    @AfterEach
    void stop() throws Exception {
        if (child != null) {
            child.getOutputStream().close();
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private String stderr() throws Exception {
        return new String(Files.readAllBytes(dir.resolve("stderr.txt")), StandardCharsets.UTF_8);
    }

    private void write(Path file, String text) throws Exception {
        // a later modification time even on coarse file systems: size changes too
        Files.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aChangedFileIsAppliedAndABadOneIsRejectedWhole() throws Exception {
        Path config = dir.resolve("lifeline.properties");
        write(config, "config.reloadInterval = 200ms\nkeepalive.interval = 15s\n");
        child = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + AgentJarIT.agentJar().toAbsolutePath() + "=" + config,
                "-cp", Paths.get("target", "test-classes").toAbsolutePath().toString(), "dev.lifeline.hello.StayAlive")
                .redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(dir.resolve("stderr.txt").toFile()).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> stderr().contains("event=agent.started"));

        write(config, "config.reloadInterval = 200ms\nmode = off\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> stderr().contains("event=config.replaced via=reload mode=off previous_mode=fill"));

        write(config, "config.reloadInterval = 200ms\nmode = fill\nkeepalive.interval = soon\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> stderr().contains("event=config.reload-rejected"));
        assertThat(stderr()).contains("keepalive.interval").doesNotContain("mode=fill previous_mode=off");
        assertThat(child.isAlive()).isTrue();
    }
}
