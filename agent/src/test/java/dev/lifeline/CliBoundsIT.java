package dev.lifeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 22, item 1: every command that talks to a JVM ends within the bound it states. A JVM attached to once and
 * then stopped with {@code kill -STOP} left status, sessions and attach waiting without limit (still waiting at
 * 60 s); now each gives up at its bound (3 s here, {@code -Dlifeline.cli.timeoutMillis}), says the process is stopped
 * and exits 4.
 */
class CliBoundsIT {
    @TempDir
    Path dir;

    @Test
    void statusSessionsAndAttachGiveUpOnAStoppedJvmWithinTheirBound() throws Exception {
        assumeTrue(new File("/proc/self/stat").isFile(), "Linux /proc");
        Path config = Files.write(dir.resolve("lifeline.properties"), "exec.timeout = 1h\n".getBytes(StandardCharsets.UTF_8));
        try (ForkedJvm app = ForkedJvm.builder("dev.lifeline.hello.StayAlive").agentArgs(config.toString())
                .outputIn(dir).keepStdin().start()) {
            String pid = String.valueOf(app.pid());
            AtomicReference<AgentCommand> status = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                status.set(AgentCommand.run("status", pid));
                return status.get().output().contains("state:");
            });
            // the fault is real: the JVM that answered a moment ago is stopped now
            AgentCommand.signal(app.pid(), "STOP");
            try {
                await().atMost(Duration.ofSeconds(5)).until(() -> stateOf(pid) == 'T');
                List<String> bound = List.of("-Dlifeline.cli.timeoutMillis=3000", "-Dlifeline.attach.waitMillis=1000");
                for (String[] args : new String[][]{{"status", pid}, {"sessions", pid}, {"attach", pid, config.toString()}}) {
                    AgentCommand c = AgentCommand.run(bound, 45, args);
                    assertThat(c.exit()).as(c.output()).isEqualTo(4);
                    assertThat(c.output()).contains("no answer within " + (args[0].equals("attach") ? "4 s" : "3 s"))
                            .contains("process " + pid + " is stopped (kill -STOP").doesNotContain("PROTECTED");
                    // the bound, plus this command's own JVM start on a loaded machine
                    assertThat(c.millis()).isLessThan(4000 + 15_000);
                }
            } finally {
                AgentCommand.signal(app.pid(), "CONT");
            }
            assertThat(AgentCommand.run("status", pid).exit()).isZero(); // continued, it answers again
        }
    }

    private static char stateOf(String pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", pid, "stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }
}
