package dev.lifeline.config;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Issue 13: the baseline is taken before loading, and a reload waits until the file has stopped changing. */
class FileWatchTest {
    @TempDir
    Path dir;

    private FileWatch watch;

    @AfterEach
    void stop() {
        if (watch != null) {
            watch.stop();
        }
    }

    private static void write(Path f, String text) throws Exception {
        Files.write(f, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anEditMadeWhileTheFileLoadsIsSeenBecauseTheBaselineWasTakenBeforeLoading() throws Exception {
        Path f = dir.resolve("lifeline.properties");
        write(f, "keepalive.interval = 5s\n");
        FileWatch.Stamp beforeLoading = FileWatch.stamp(f.toString());
        write(f, "keepalive.interval = 6s\n"); // edited while "loading": same size, maybe the same mtime tick
        List<String> seen = new CopyOnWriteArrayList<>();
        watch = FileWatch.start(f.toString(), beforeLoading, 50, () -> seen.add("changed"));
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
    }

    @Test
    void aFileStillBeingWrittenIsReadOnceItHasSettled() throws Exception {
        Path f = dir.resolve("lifeline.properties");
        write(f, "a = 1\n");
        List<String> contents = new CopyOnWriteArrayList<>();
        // settle 250 ms against a writer that pauses 10 ms: a margin for a loaded machine (at 50 ms a stalled writer
        // was once seen mid-write, between the truncation and the text)
        watch = FileWatch.start(f.toString(), FileWatch.stamp(f.toString()), 250, () -> {
            try {
                contents.add(Files.readString(f));
            } catch (Exception e) {
                contents.add(e.toString());
            }
        });
        // an editor writing in steps, each faster than the settle interval: only the end result is read
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            text.append("line").append(i).append(" = x\n");
            write(f, text.toString());
            Thread.sleep(10); // the writer's own pace, not a wait for the code under test
        }
        String complete = text.toString();
        await().atMost(Duration.ofSeconds(10)).until(() -> contents.contains(complete));
        assertThat(contents).hasSize(1);
        assertThat(FileWatch.settleMillis(50)).isEqualTo(50);
        assertThat(FileWatch.settleMillis(10_000)).isEqualTo(500);
    }

    @Test
    void aFileThatAppearsOrTurnsIntoAFifoIsAChangeAndIsNeverOpenedByTheWatch() throws Exception {
        Path f = dir.resolve("later.properties");
        FileWatch.Stamp none = FileWatch.stamp(f.toString());
        write(f, "a = 1\n");
        assertThat(FileWatch.stamp(f.toString())).isNotEqualTo(none);
        FileWatch.Stamp regular = FileWatch.stamp(f.toString());
        Files.delete(f);
        assertThat(new ProcessBuilder("mkfifo", f.toString()).start().waitFor()).isZero();
        FileWatch.Stamp fifo = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> FileWatch.stamp(f.toString()));
        assertThat(fifo).isNotEqualTo(regular).isNotEqualTo(none);
    }

    @Test
    void theFileIsTheFirstItemOfTheAgentArgumentWithoutEquals() {
        assertThat(AgentArgument.fileOf("/etc/lifeline.properties,mode=off")).isEqualTo("/etc/lifeline.properties");
        assertThat(AgentArgument.fileOf("mode=off")).isNull();
        assertThat(AgentArgument.fileOf(null)).isNull();
        assertThat(AgentArgument.fileOf("")).isNull();
    }
}
