package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 13: {@code java -jar lifeline-agent.jar status PID} reads what Lifeline in a running JVM reports, over the
 * attach API and the target's local JMX connector (no JMX port on the command line of the app). The app is
 * JschAttachLater, holding one JSch session open, against the in-process MINA server.
 */
class StatusCommandTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static ForkedJvm.Builder app(MinaServer server) {
        return Bench.app("JschAttachLater", Library.JSCH_MWIEDE, Bench.defaultJdk()).args(server.target()).keepStdin();
    }

    /** Runs status until its output matches (the agent registers its MBean 5 s after start). */
    private static AgentCli statusUntil(long pid, Pattern expected) {
        AtomicReference<AgentCli> last = new AtomicReference<>();
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
            last.set(AgentCli.run("status", String.valueOf(pid)));
            return expected.matcher(last.get().output).find();
        });
        return last.get();
    }

    @Test
    void statusOfAJvmStartedWithAGoodFileSaysActiveWithItsFileCountersSettingsAndRules(@TempDir Path dir) throws Exception {
        Path config = Files.write(dir.resolve("lifeline.properties"),
                "keepalive.interval = 7s\nhost.lab.match = *.lab\nhost.lab.keepalive.interval = 3s\n".getBytes(StandardCharsets.UTF_8));
        try (MinaServer server = MinaServer.start(dir.resolve("server"));
             ForkedJvm app = Bench.withAgent(app(server), config.toString()).start()) {
            app.awaitLine(Pattern.compile("^READY first"), 30_000);
            AgentCli status = statusUntil(app.pid(), Pattern.compile("(?m)^state: +active"));
            assertThat(status.exit).isZero();
            assertThat(status.output).containsPattern("^Lifeline \\d+\\.\\d+\\S* in JVM " + app.pid())
                    .containsPattern("(?m)^file: +" + Pattern.quote(config.toString()) + "$")
                    .containsPattern("(?m)^mode: +fill$")
                    .containsPattern("(?m)^  sessionsSeen +1$") // the session JschAttachLater holds open
                    .containsPattern("(?m)^  sessionsChanged +1$")
                    .containsPattern("(?m)^  internalErrors +0$")
                    .contains("keepalive.interval=7s (" + config + ":1)")
                    .containsPattern("(?m)^  lab:\\R    match \\*\\.lab\\R    keepalive\\.interval=3s");
            app.send("go");
            app.awaitExit(30_000);
            assertThat(app.result()).containsEntry("status", "ok").containsEntry("before_interval", "7000");
        }
    }

    /** Needs the runtime branch (MBean registered, State=disabled with its reason, when the file is rejected). */
    @Test
    void statusOfAJvmStartedWithABadFileSaysDisabledAndWhy(@TempDir Path dir) throws Exception {
        AgentCli.assumeAgentReportsState();
        Path config = Files.write(dir.resolve("lifeline.properties"), "keepalive.interval = 7x\n".getBytes(StandardCharsets.UTF_8));
        try (MinaServer server = MinaServer.start(dir.resolve("server"));
             ForkedJvm app = Bench.withAgent(app(server), config.toString()).start()) {
            app.awaitLine(Pattern.compile("^READY first"), 30_000);
            AgentCli status = statusUntil(app.pid(), Pattern.compile("(?m)^state: "));
            assertThat(status.exit).isEqualTo(1);
            assertThat(status.output).containsPattern("(?m)^state: +disabled \\(.+\\)")
                    .contains(config + ":1: keepalive.interval = \"7x\"");
            app.send("go");
            app.awaitExit(30_000);
            assertThat(app.result()).containsEntry("status", "ok").containsEntry("before_interval", "0"); // unprotected
        }
    }

    @Test
    void statusOfAJvmWithoutLifelineSaysSoPlainly(@TempDir Path dir) throws Exception {
        try (MinaServer server = MinaServer.start(dir.resolve("server"));
             ForkedJvm app = app(server).start()) {
            app.awaitLine(Pattern.compile("^READY first"), 30_000);
            AgentCli status = AgentCli.run("status", String.valueOf(app.pid()));
            assertThat(status.exit).isEqualTo(1);
            assertThat(status.output).startsWith("no Lifeline in JVM " + app.pid() + ": it has no MBean lifeline:type=Agent");
            app.send("go");
            app.awaitExit(30_000);
            assertThat(app.result()).containsEntry("status", "ok");
            assertThat(app.stderr()).noneMatch(l -> l.contains("[lifeline]"));
        }
    }

    @Test
    void versionPrintsTheJarsImplementationVersion() throws Exception {
        for (String flag : new String[]{"--version", "version"}) {
            AgentCli v = AgentCli.run(flag);
            assertThat(v.exit).isZero();
            // from the manifest, not "dev"; the commit too (issue 27), "unknown" when built without git
            assertThat(v.output).matches("lifeline \\d+\\.\\d+\\.\\d+\\S* commit ([0-9a-f]{7,40}(-dirty)?|unknown)\\R");
        }
    }
}
