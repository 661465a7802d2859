package dev.lifeline.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 13, "never lie": {@code attach} and {@code status} refuse what they cannot check before touching the target.
 * A process that is not a JVM is refused in well under a second and is left running: HotSpot's attach would signal it
 * (SIGQUIT, which kills a process that does not catch it; on JDK 17.0.15 it instead waits 10.5 s before giving up).
 * The forked-JVM cases (a real target) are in sample-apps: DynamicAttachTest and StatusCommandTest.
 */
class AttachStatusCliTest {
    @TempDir
    Path dir;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    Process sleep;

    @AfterEach
    void stopSleep() {
        if (sleep != null) {
            sleep.destroyForcibly();
        }
    }

    private int run(String... args) {
        return Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path file(String... lines) throws Exception {
        Path f = dir.resolve("lifeline.properties");
        Files.write(f, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        return f;
    }

    private String sleepPid() throws Exception {
        assumeTrue(new File("/proc/self/maps").isFile(), "Linux /proc");
        sleep = new ProcessBuilder("sleep", "60").start();
        return String.valueOf(sleep.pid());
    }

    @Test
    void attachToAProcessThatIsNotAJvmFailsWithinASecondAndLeavesItRunning() throws Exception {
        String pid = sleepPid();
        Path good = file("keepalive.interval = 7s");
        long t0 = System.nanoTime();
        int code = run("attach", pid, good.toString());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(code).isEqualTo(Cli.INVALID);
        assertThat(ms).isLessThan(1000);
        assertThat(err()).contains("process " + pid + " (sleep 60) is not a Java virtual machine; nothing was sent to it");
        assertThat(sleep.isAlive()).isTrue();
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("PROTECTED");
    }

    @Test
    void statusOfAProcessThatIsNotAJvmFailsWithinASecondAndLeavesItRunning() throws Exception {
        String pid = sleepPid();
        long t0 = System.nanoTime();
        assertThat(run("status", pid)).isEqualTo(Cli.INVALID);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
        assertThat(err()).contains("is not a Java virtual machine");
        assertThat(sleep.isAlive()).isTrue();
    }

    @Test
    void attachToAPidThatDoesNotExistSaysSo() throws Exception {
        assumeTrue(new File("/proc/self/maps").isFile(), "Linux /proc");
        int pid = 4_194_305; // above the largest pid_max Linux allows (2^22)
        assertThat(run("attach", String.valueOf(pid))).isEqualTo(Cli.INVALID);
        assertThat(err()).contains("no process " + pid + " is running");
    }

    @Test
    void attachWithAnInvalidFileListsEveryErrorAndAttachesNothing() throws Exception {
        String pid = sleepPid(); // were anything sent to it, it would not survive (or attach would wait 10 s)
        Path bad = file("keepalive.interval = 15x", "mode = sometimes");
        long t0 = System.nanoTime();
        assertThat(run("attach", pid, bad.toString())).isEqualTo(Cli.INVALID);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
        assertThat(err()).contains(bad + ":1: keepalive.interval = \"15x\": unknown unit 'x'")
                .contains(bad + ":2: mode = \"sometimes\": not a mode")
                .contains("2 errors in " + bad + "; nothing was attached to " + pid);
        assertThat(sleep.isAlive()).isTrue();
    }

    @Test
    void attachWithAMissingFileAttachesNothing() throws Exception {
        String pid = sleepPid();
        assertThat(run("attach", pid, dir.resolve("nope.properties").toString())).isEqualTo(Cli.INVALID);
        assertThat(err()).contains("configuration file not found").contains("nothing was attached");
        assertThat(sleep.isAlive()).isTrue();
    }

    @Test
    void aPidMustBeDigits() {
        assertThat(run("status", "self")).isEqualTo(Cli.USAGE);
        assertThat(run("attach", "12a")).isEqualTo(Cli.USAGE);
    }

    @Test
    void versionPrintsTheAgentVersion() {
        // from target/classes there is no manifest: "dev", commit "unknown"; ReleaseJarIT checks the jar's real ones
        assertThat(run("--version")).isZero();
        assertThat(run("version")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).matches("(lifeline dev commit unknown\\R){2}");
    }

    @Test
    void usageNamesStatusAndVersion() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("status PID").contains("--version")
                .doesNotContain("new SSH sessions are protected");
    }
}
