package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 7: {@code java -jar lifeline-agent.jar attach PID FILE} on a running JSch app whose JSch classes are already
 * loaded: sessions opened afterwards get the policy, the session already open keeps its settings, and a second
 * attach is harmless (it re-applies the file: {@code agent.reconfigured}).
 */
class DynamicAttachTest {
    private static String attach(long pid, Path config) throws Exception {
        Process p = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Bench.agentJar().toString(), "attach", String.valueOf(pid), config.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    @Test
    void sessionsOpenedAfterAttachAreProtectedAndAttachingTwiceIsHarmless(@TempDir Path dir) throws Exception {
        Path config = Files.write(dir.resolve("lifeline.properties"), "keepalive.interval = 7s\n".getBytes(StandardCharsets.UTF_8));
        try (MinaServer server = MinaServer.start(dir.resolve("server"));
             ForkedJvm app = Bench.app("JschAttachLater", Library.JSCH_MWIEDE, Bench.defaultJdk())
                     .args(server.target()).keepStdin().start()) {
            app.awaitLine(Pattern.compile("^READY first"), 30_000);
            assertThat(attach(app.pid(), config)).contains("attached Lifeline to " + app.pid());
            await().atMost(Duration.ofSeconds(20)).until(() -> app.stderr().stream().anyMatch(l -> l.contains("event=agent.started")));
            attach(app.pid(), config);
            // issue 13: attaching again re-applies the (valid) file instead of ignoring it
            await().atMost(Duration.ofSeconds(20)).until(() -> app.stderr().stream().anyMatch(l -> l.contains("event=agent.reconfigured via=attach")));
            app.send("go");
            app.awaitExit(30_000);
            assertThat(app.result()).containsEntry("status", "ok").containsEntry("before_interval", "0")
                    .containsEntry("after_interval", "7000").containsEntry("before_interval_now", "0");
            assertThat(app.stderr()).noneMatch(l -> l.contains("level=error"));
        }
    }

    /** Issue 7: attached into a JVM that already has JSch loaded, Lifeline then detects a dead peer. */
    @Test
    void aSessionOpenedAfterAttachIsDeclaredDeadWhenItsPeerVanishes(@TempDir Path dir) throws Exception {
        Requirements.require(PacketDrop.available(), "needs root and nft");
        Path config = Files.write(dir.resolve("lifeline.properties"),
                "keepalive.interval = 1s\nkeepalive.countMax = 2\n".getBytes(StandardCharsets.UTF_8));
        try (MinaServer server = MinaServer.start(dir.resolve("server"));
             ForkedJvm app = Bench.app("JschAttachLater", Library.JSCH_MWIEDE, Bench.defaultJdk())
                     .jvmArg("-Dsample.idleAfter=true").args(server.target()).keepStdin().start()) {
            app.awaitLine(Pattern.compile("^READY first"), 30_000);
            attach(app.pid(), config);
            await().atMost(Duration.ofSeconds(20)).until(() -> app.stderr().stream().anyMatch(l -> l.contains("event=agent.started")));
            app.send("go");
            long ms = PacketDrop.millisUntilAppGivesUp(app, "idle", server.port);
            Measurements.record("dead peer after dynamic attach, JschAttachLater 1s x2", ms);
            assertThat(app.result()).containsEntry("status", "closed").containsEntry("after_interval", "1000");
            assertThat(ms).isLessThanOrEqualTo(1000L * (2 + 1) + 1000L + 2000L);
            assertThat(app.stderr()).anyMatch(l -> l.contains("event=keepalive.declared-dead") && l.contains("lib=jsch"));
        }
    }
}
