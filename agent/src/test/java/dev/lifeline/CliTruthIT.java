package dev.lifeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Issue 22, item 9 (and 10): what status and attach say, tried as a new user would. */
class CliTruthIT {
    @TempDir
    Path dir;

    private static AgentCommand statusUntil(String pid, String expected) {
        AtomicReference<AgentCommand> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            last.set(AgentCommand.run("status", pid));
            return last.get().output().contains(expected);
        });
        return last.get();
    }

    /** attach PID without FILE used to switch a running agent to the defaults (dropping exec.timeout=1h), exit 0. */
    @Test
    void attachWithoutAFileNeverChangesARunningAgent() throws Exception {
        try (ForkedJvm app = ForkedJvm.builder("dev.lifeline.hello.StayAlive").agentArgs("exec.timeout=1h")
                .outputIn(dir).keepStdin().start()) {
            String pid = String.valueOf(app.pid());
            statusUntil(pid, "exec.timeout=1h (agent argument)");
            AgentCommand attach = AgentCommand.run("attach", pid);
            assertThat(attach.exit()).as(attach.output()).isZero();
            assertThat(attach.output()).contains("Lifeline already runs in " + pid + "; attach without FILE changes nothing")
                    .contains("exec.timeout=1h (agent argument)");
            AgentCommand status = AgentCommand.run("status", pid);
            assertThat(status.output()).contains("exec.timeout=1h (agent argument)").contains("last reload: none");
            assertThat(Files.readString(dir.resolve("stderr.txt"))).doesNotContain("agent.reconfigured");
        }
    }

    /** status exited 1 for the first 5 s (60 s in an application server): a health check right after a restart failed. */
    @Test
    void statusOfAJvmWhoseAgentHasNotStartedYetSaysStartingWithExit3() throws Exception {
        // a log manager on the command line: the application-server delay, 60 s, before the agent registers
        try (ForkedJvm app = ForkedJvm.builder("dev.lifeline.hello.StayAlive").agentArgs(null)
                .jvmArgs("-Djava.util.logging.manager=java.util.logging.LogManager").outputIn(dir).keepStdin().start()) {
            String pid = String.valueOf(app.pid());
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(dir.resolve("stdout.txt")).contains("ready"));
            AgentCommand status = AgentCommand.run("status", pid);
            assertThat(status.exit()).as(status.output()).isEqualTo(3);
            assertThat(status.output()).containsPattern("(?m)^state: +starting \\(loaded; it starts at the first SSH class or 60 s");
        }
    }

    /** The agent.disabled line for a bad LIFELINE_* value said "until the file is valid": a variable needs a restart. */
    @Test
    void aBadVariableDisablesWithARestartNotAFileEdit() throws Exception {
        Path file = Files.write(dir.resolve("lifeline.properties"), "mode = enforce\n".getBytes(StandardCharsets.UTF_8));
        ForkedJvm.Run run = AgentStartupIT.runHelloAs(List.of("env", "LIFELINE_MODE=loud"),
                AgentJarIT.agentJar().toAbsolutePath(), Paths.get("target", "test-classes").toAbsolutePath(),
                System.getProperty("java.home"), file.toString());
        assertThat(run.exit()).isZero();
        assertThat(run.err()).contains("event=agent.disabled")
                .contains("until the JVM is restarted with a valid environment LIFELINE_MODE (read at start only)")
                .doesNotContain("until the file is valid");
    }

    /** Item 10: a key given twice in the agent argument silently took the last value; now an error, as in a file. */
    @Test
    void aKeyTwiceInTheAgentArgumentIsAnError() throws Exception {
        ForkedJvm.Run run = AgentStartupIT.runHelloAs(List.of(), AgentJarIT.agentJar().toAbsolutePath(),
                Paths.get("target", "test-classes").toAbsolutePath(), System.getProperty("java.home"),
                "exec.timeout=1h,exec.timeout=2s");
        assertThat(run.exit()).isZero();
        assertThat(run.err()).contains("event=config.invalid detail=\"agent argument: exec.timeout = \\\"2s\\\":"
                        + " duplicate key in the agent argument; accepted: each key once\"")
                .contains("event=agent.disabled").contains("restarted with a valid agent argument");
    }

    /**
     * Item 10: an attach into a JVM started with jmx.enabled=false was applied, yet the CLI waited 20 s and said it was
     * most likely rejected. It now says at once that the agent cannot report there.
     */
    @Test
    void attachIntoAJvmWithJmxOffSaysSoAtOnce() throws Exception {
        Path file = Files.write(dir.resolve("lifeline.properties"), "keepalive.interval = 7s\n".getBytes(StandardCharsets.UTF_8));
        try (ForkedJvm app = ForkedJvm.builder("dev.lifeline.hello.StayAlive").agentArgs(null)
                .jvmArgs("-Dlifeline.jmx.enabled=false").outputIn(dir).keepStdin().start()) {
            String pid = String.valueOf(app.pid());
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(dir.resolve("stdout.txt")).contains("ready"));
            AgentCommand attach = AgentCommand.run(List.of(), 60, "attach", pid, file.toString());
            assertThat(attach.exit()).isEqualTo(1);
            assertThat(attach.output()).contains("runs with jmx.enabled=false (system property lifeline.jmx.enabled)")
                    .contains("NOT confirmed protected").doesNotContain("most likely rejected");
            assertThat(attach.millis()).as("no 20 s wait for an MBean that cannot come").isLessThan(15_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(dir.resolve("stderr.txt"))
                    .contains("event=agent.reconfigured"));
        }
    }
}
