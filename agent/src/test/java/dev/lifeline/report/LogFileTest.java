package dev.lifeline.report;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code log.file}: appended lines with a timestamp, and stderr when the file cannot be used. */
class LogFileTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureStderr() {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        Log.useFile(null);
        Log.setLevel(Log.Level.INFO);
        System.setErr(originalErr);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void appendsOneTimestampedLinePerEventToAFileItCreates() throws Exception {
        Path file = dir.resolve("lifeline.log");
        assertThat(Log.useFile(file.toString())).isTrue();
        Instant before = Instant.now().minusMillis(1);
        Log.info("first.event", "host", "db1", "port", 22);
        // on disk as soon as the call returns: no flush, no close needed to read it
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).matches("\\[lifeline] ts=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z "
                + "level=info event=first.event host=db1 port=22");
        Instant ts = Instant.parse(lines.get(0).substring("[lifeline] ts=".length(), lines.get(0).indexOf(" level=")));
        assertThat(Duration.between(before, ts).toMillis()).isBetween(0L, 60_000L);

        Log.warn("second.event", "reason", "two words");
        Log.debug("below.threshold");
        assertThat(Files.readAllLines(file)).hasSize(2).last().asString()
                .endsWith("level=warn event=second.event reason=\"two words\"");
        assertThat(stderr()).isEmpty();
        assertThat(Log.file()).isEqualTo(file.toString());
    }

    @Test
    void appendsToWhatIsAlreadyThere() throws Exception {
        Path file = dir.resolve("existing.log");
        Files.write(file, "earlier line\n".getBytes(StandardCharsets.UTF_8));
        Log.useFile(file.toString());
        Log.info("x");
        Log.useFile(file.toString()); // the same path again keeps the file open, nothing is truncated
        Log.info("y");
        assertThat(Files.readAllLines(file)).hasSize(3).first().isEqualTo("earlier line");
    }

    @Test
    void fallsBackToStderrNamingThePathAndWhyWhenTheDirectoryIsMissing() {
        String path = dir.resolve("no-such-dir").resolve("lifeline.log").toString();
        assertThat(Log.useFile(path)).isFalse();
        Log.info("after.fallback", "k", "v");
        String[] lines = stderr().split(System.lineSeparator());
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).startsWith("[lifeline] level=error event=log.file-unusable file=" + path)
                .contains("reason=\"directory ").contains("does not exist").contains("action=\"logging to stderr\"");
        assertThat(lines[1]).isEqualTo("[lifeline] level=info event=after.fallback k=v");
        assertThat(Log.file()).isNull();
    }

    @Test
    void fallsBackToStderrWhenThePathIsADirectoryOrNotWritable() throws Exception {
        assertThat(Log.useFile(dir.toString())).isFalse();
        assertThat(stderr()).contains("event=log.file-unusable").contains("file=" + dir).contains("reason=\"is a directory\"");

        Path readOnly = dir.resolve("read-only.log");
        Files.createFile(readOnly);
        assertThat(readOnly.toFile().setWritable(false)).isTrue();
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(readOnly), "running as root: permissions not enforced");
        assertThat(Log.useFile(readOnly.toString())).isFalse();
        assertThat(stderr()).contains("file=" + readOnly).contains("reason=\"Permission denied\"");
    }

    @Test
    void aFailedNewFileLeavesTheOldOneAndStderrTakesOver() throws Exception {
        Path good = dir.resolve("good.log");
        Log.useFile(good.toString());
        Log.info("to.file");
        Log.useFile(dir.resolve("missing").resolve("x.log").toString());
        Log.info("to.stderr");
        assertThat(Files.readAllLines(good)).singleElement().asString().contains("event=to.file");
        assertThat(stderr()).contains("event=log.file-unusable").contains("event=to.stderr");
    }

    @Test
    void stderrLinesHaveNoTimestamp() {
        Log.info("plain");
        assertThat(stderr()).isEqualTo("[lifeline] level=info event=plain" + System.lineSeparator());
    }

    @Test
    void aFifoIsRefusedWithoutOpeningItAndLinesStayOnStderr() throws Exception {
        Path fifo = dir.resolve("lifeline.fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        // the fault is real: opening a FIFO for writing blocks while no reader comes
        java.util.concurrent.CompletableFuture<Void> opening = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                new java.io.FileOutputStream(fifo.toFile(), true).close();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        org.awaitility.Awaitility.await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> !opening.isDone());
        new java.io.FileInputStream(fifo.toFile()).close(); // a reader lets that open go on
        opening.get(10, java.util.concurrent.TimeUnit.SECONDS);

        boolean used = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> Log.useFile(fifo.toString()));
        assertThat(used).isFalse();
        assertThat(Log.file()).isNull();
        assertThat(stderr()).contains("event=log.file-unusable file=" + fifo).contains("is a FIFO (named pipe)")
                .contains("action=\"logging to stderr\"");
        Log.info("after.fifo");
        assertThat(stderr()).contains("event=after.fifo");

        assertThat(Log.useFile("/dev/null")).isFalse();
        assertThat(stderr()).contains("is a character device");
    }

    @Test
    void aFullDiskFailsOnceCountedAndStderrTakesOver() throws Exception {
        // the fault is real: /dev/full refuses every write with ENOSPC
        java.io.FileOutputStream full = new java.io.FileOutputStream("/dev/full", true);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> full.write('x'))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("No space left on device");
        long errorsBefore = Counters.Counter.INTERNAL_ERRORS.get();
        Log.useStreamForTests("/var/log/full-disk.log", full);

        Log.warn("first.line", "host", "db1");
        Log.warn("second.line", "host", "db2");

        assertThat(Log.file()).isNull();
        assertThat(Counters.Counter.INTERNAL_ERRORS.get() - errorsBefore).isEqualTo(1);
        assertThat(stderr()).containsOnlyOnce("event=log.file-failed")
                .contains("event=log.file-failed file=/var/log/full-disk.log reason=\"No space left on device\"")
                .contains("event=first.line").contains("event=second.line");
    }

    @Test
    void anInterruptedThreadStillLogsToTheFileAndKeepsItsInterrupt() throws Exception {
        Path file = dir.resolve("lifeline.log");
        assertThat(Log.useFile(file.toString())).isTrue();
        Thread.currentThread().interrupt();
        try {
            Log.info("while.interrupted");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(Files.readString(file)).contains("event=while.interrupted");
    }

    @Test
    void aWriteStuckInAnotherThreadSendsThisThreadsLineToStderrInsteadOfWaitingForever() throws Exception {
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        // a file whose write never returns (as on a hung network file system) until released
        Log.useStreamForTests("/mnt/hung/lifeline.log", new java.io.OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[]{(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                entered.countDown();
                try {
                    release.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Thread stuck = new Thread(() -> Log.info("stuck.line"));
        stuck.start();
        try {
            assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            long errors = Counters.Counter.INTERNAL_ERRORS.get();
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> Log.warn("other.line", "host", "db1"));
            assertThat(stderr()).contains("event=other.line host=db1");
            assertThat(Counters.Counter.INTERNAL_ERRORS.get() - errors).isEqualTo(1);
        } finally {
            release.countDown();
            stuck.join(10_000);
        }
    }
}
