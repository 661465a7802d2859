package dev.lifeline.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 22: {@code check} and {@code explain} read a file only, yet a file on a hung network mount blocks {@code stat}
 * and {@code read} without limit. They end within the CLI's bound and name the file. (A hung mount cannot be made on a
 * test machine without root-only FUSE or NFS set-ups, so the read is a call that never returns.)
 */
class BoundedReadingTest {
    @Test
    void aReadThatNeverReturnsEndsWithinTheBoundAndNamesTheFile() {
        CountDownLatch never = new CountDownLatch(1);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int exit = Bounded.runReading("check", "/mnt/nfs/lifeline\u001b[2J.properties", 300, () -> {
            never.await();
            return Cli.OK;
        }, new PrintStream(err, true, StandardCharsets.UTF_8));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(exit).isEqualTo(Cli.NO_ANSWER);
        assertThat(tookMillis).isLessThan(10_000);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("lifeline: check: no answer within 0.3 s while reading \"/mnt/nfs/lifeline\\u001b[2J.properties\"")
                .contains("its file system does not answer (a hung network mount or disk?); gave up (exit 4)")
                .doesNotContain("\u001b");
    }

    @Test
    void aReadThatAnswersGivesItsOwnExitStatus() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Bounded.runReading("explain", "f", 10_000, () -> Cli.INVALID, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(Cli.INVALID);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
