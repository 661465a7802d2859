package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 7: {@code java -jar lifeline-agent.jar attach PID FILE} on a running JSch app whose JSch classes are already
 * loaded: sessions opened afterwards get the policy, and a second attach is harmless (it re-applies the file:
 * {@code agent.reconfigured}). Since issue 24 the session already open is found at the attach and gets the policy too
 * ({@link StuckNowAttachTest} covers what that does on a dead peer).
 */
class DynamicAttachTest {
    private static String attach(long pid, Path config) throws Exception {
        AgentCli cli = AgentCli.run("attach", String.valueOf(pid), config.toString());
        assertThat(cli.exit).as(cli.output).isZero();
        return cli.output;
    }

    /**
     * Issue 13: attach tells the truth. A file with errors is refused before anything is sent to the JVM; a good one
     * is confirmed by the target itself (active, with that file); attaching again with it says Lifeline was running.
     */
    @Test
    void sessionsOpenedAfterAttachAreProtectedAndAttachingTwiceIsHarmless(@TempDir Path dir) throws Exception {
        Path config = Files.write(dir.resolve("lifeline.properties"), "keepalive.interval = 7s\n".getBytes(StandardCharsets.UTF_8));
        Path bad = Files.write(dir.resolve("bad.properties"), "keepalive.interval = 7x\nmode = loud\n".getBytes(StandardCharsets.UTF_8));
        try (MinaServer server = MinaServer.start(dir.resolve("server"));
             ForkedJvm app = Bench.app("JschAttachLater", Library.JSCH_MWIEDE, Bench.defaultJdk())
                     .args(server.target()).keepStdin().start()) {
            app.awaitLine(Pattern.compile("^READY first"), 30_000);
            AgentCli refused = AgentCli.run("attach", String.valueOf(app.pid()), bad.toString());
            assertThat(refused.exit).isEqualTo(1);
            assertThat(refused.output).contains(bad + ":1: keepalive.interval = \"7x\"").contains(bad + ":2: mode = \"loud\"")
                    .contains("2 errors in " + bad + "; nothing was attached to " + app.pid()).doesNotContain("PROTECTED");
            assertThat(app.stderr()).noneMatch(l -> l.contains("[lifeline]")); // nothing reached the app

            String out = attach(app.pid(), config);
            assertThat(out).contains("attached Lifeline to " + app.pid() + " with " + config)
                    .containsPattern("(?m)^state: +active").containsPattern("(?m)^file: +" + Pattern.quote(config.toString()) + "$")
                    .contains("PROTECTED: " + app.pid() + " runs Lifeline, active, with " + config);
            await().atMost(Duration.ofSeconds(5)).until(() -> app.stderr().stream().anyMatch(l -> l.contains("event=agent.started")));
            assertThat(attach(app.pid(), config)).contains("Lifeline was already running in " + app.pid())
                    .contains("PROTECTED: ");
            // issue 13: attaching again re-applies the (valid) file instead of ignoring it
            await().atMost(Duration.ofSeconds(20)).until(() -> app.stderr().stream().anyMatch(l -> l.contains("event=agent.reconfigured via=attach")));
            app.send("go");
            app.awaitExit(30_000);
            assertThat(app.result()).containsEntry("status", "ok").containsEntry("before_interval", "0")
                    .containsEntry("after_interval", "7000")
                    .containsEntry("before_interval_now", "7000"); // issue 24: found at attach, brought under the file
            assertThat(app.stderr()).noneMatch(l -> l.contains("level=error"));
        }
    }

    /** Issue 13: HotSpot's attach would signal a process that is not a JVM (SIGQUIT kills it); attach checks first. */
    @Test
    void attachToAProcessThatIsNotAJvmFailsFastAndLeavesItRunning(@TempDir Path dir) throws Exception {
        Path config = Files.write(dir.resolve("lifeline.properties"), "keepalive.interval = 7s\n".getBytes(StandardCharsets.UTF_8));
        Process sleep = new ProcessBuilder("sleep", "60").start();
        try {
            long t0 = System.nanoTime();
            AgentCli cli = AgentCli.run("attach", String.valueOf(sleep.pid()), config.toString());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(cli.exit).isEqualTo(1);
            assertThat(cli.output).contains("process " + sleep.pid() + " (sleep 60) is not a Java virtual machine");
            // Fast = without HotSpot's own 10 s attach wait; the figure includes this command's JVM start on a loaded machine.
            assertThat(ms).as("including this command's own JVM start").isLessThan(6000);
            assertThat(sleep.isAlive()).isTrue();
        } finally {
            sleep.destroyForcibly();
        }
    }

    /**
     * Issue 13: a file that check accepts can still be refused by the target (here its environment has an invalid
     * LIFELINE_MODE): attach reads the target's state and says it is not protected, exit 1. The state "disabled" and
     * its reason need the runtime branch; without it the agent registers no MBean and attach says so after its wait.
     */
    @Test
    void attachSaysNotProtectedWhenTheTargetRejectsItsConfiguration(@TempDir Path dir) throws Exception {
        Path config = Files.write(dir.resolve("lifeline.properties"), "keepalive.interval = 7s\n".getBytes(StandardCharsets.UTF_8));
        try (MinaServer server = MinaServer.start(dir.resolve("server"));
             ForkedJvm app = Bench.app("JschAttachLater", Library.JSCH_MWIEDE, Bench.defaultJdk())
                     .env("LIFELINE_MODE", "loud").args(server.target()).keepStdin().start()) {
            app.awaitLine(Pattern.compile("^READY first"), 30_000);
            AgentCli cli = AgentCli.run(List.of("-Dlifeline.attach.waitMillis=8000"), "attach", String.valueOf(app.pid()), config.toString());
            assertThat(cli.exit).isEqualTo(1);
            assertThat(cli.output).contains("NOT").doesNotContain("PROTECTED");
            await().atMost(Duration.ofSeconds(5)).until(() -> app.stderr().stream()
                    .anyMatch(l -> l.contains("event=config.invalid") && l.contains("LIFELINE_MODE")));
            app.send("go");
            app.awaitExit(30_000);
            assertThat(app.result()).containsEntry("status", "ok").containsEntry("after_interval", "0"); // truly unprotected
            AgentCli.assumeAgentReportsState();
            assertThat(cli.output).containsPattern("(?m)^state: +disabled").contains("NOT protected with " + config);
        }
    }

    /** Issue 13, needs the runtime branch: attaching to a JVM where Lifeline runs switches it to the new file. */
    @Test
    void attachingWithAnotherFileSwitchesALifelineAlreadyRunning(@TempDir Path dir) throws Exception {
        AgentCli.assumeAgentReportsState();
        Path first = Files.write(dir.resolve("first.properties"), "keepalive.interval = 7s\n".getBytes(StandardCharsets.UTF_8));
        Path second = Files.write(dir.resolve("second.properties"), "keepalive.interval = 5s\n".getBytes(StandardCharsets.UTF_8));
        try (MinaServer server = MinaServer.start(dir.resolve("server"));
             ForkedJvm app = Bench.withAgent(Bench.app("JschAttachLater", Library.JSCH_MWIEDE, Bench.defaultJdk()), first.toString())
                     .args(server.target()).keepStdin().start()) {
            app.awaitLine(Pattern.compile("^READY first"), 30_000);
            String out = attach(app.pid(), second);
            assertThat(out).contains("Lifeline was already running in " + app.pid()).contains("file " + first)
                    .contains("switched to " + second).containsPattern("(?m)^file: +" + Pattern.quote(second.toString()) + "$");
            app.send("go");
            app.awaitExit(30_000);
            assertThat(app.result()).containsEntry("status", "ok").containsEntry("before_interval", "7000")
                    .containsEntry("after_interval", "5000");
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
