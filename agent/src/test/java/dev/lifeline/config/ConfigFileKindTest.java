package dev.lifeline.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Issue 13: the configuration file must be a regular file (a FIFO blocked JVM start-up forever, /dev/zero never ends),
 * and it is read whole or rejected (reading {@code length()} bytes cut a growing file silently).
 */
class ConfigFileKindTest {
    @TempDir
    Path dir;

    private static Config load(Path p) {
        return Config.load(p.toString(), Map.of(), Map.of());
    }

    @Test
    void aFifoIsANamedErrorAndLoadingDoesNotWaitForAWriter() throws Exception {
        Path fifo = dir.resolve("lifeline.properties");
        ConfigFiles.mkfifo(fifo);
        // the fault: opening a FIFO for reading blocks until some process opens it for writing
        CompletableFuture<Void> opening = CompletableFuture.runAsync(() -> {
            try (InputStream in = Files.newInputStream(fifo)) {
                in.read();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThatThrownBy(() -> opening.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);

        Config c = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> load(fifo));
        assertThat(c.errors()).singleElement().satisfies(e -> assertThat(e.toString()).isEqualTo(fifo + ": file = \""
                + fifo + "\": is a FIFO (named pipe), not a regular file; accepted: " + ConfigFile.FILE_ACCEPTED));

        Path link = dir.resolve("link.properties");
        Files.createSymbolicLink(link, fifo);
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(5), () -> load(link)).errors()).singleElement()
                .satisfies(e -> assertThat(e.message()).startsWith("is a FIFO"));

        try (OutputStream release = Files.newOutputStream(fifo)) { // lets the probe thread go
            release.write('\n');
        }
        opening.get(5, TimeUnit.SECONDS);
    }

    @Test
    void devicesAndSocketsAreNamedErrorsAndASymlinkToARegularFileIsFine() throws Exception {
        assertThat(assertTimeoutPreemptively(Duration.ofSeconds(5), () -> load(Paths.get("/dev/zero"))).errors())
                .singleElement().satisfies(e -> assertThat(e.message()).startsWith("is a character device, not a regular file"));
        assertThat(load(Paths.get("/dev/null")).errors()).singleElement()
                .satisfies(e -> assertThat(e.message()).startsWith("is a character device"));

        Path socket = dir.resolve("lifeline.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            assertThat(load(socket).errors()).singleElement()
                    .satisfies(e -> assertThat(e.message()).startsWith("is a socket, not a regular file"));
        }

        Path real = ConfigFiles.write(dir, "real.properties", "mode = audit");
        Path link = dir.resolve("current.properties");
        Files.createSymbolicLink(link, real);
        Config c = load(link);
        assertThat(c.errors()).isEmpty();
        assertThat(c.mode()).isEqualTo(Mode.AUDIT);
    }

    @Test
    void aStreamLongerThanTheLimitIsRejectedNeverCut() throws Exception {
        byte[] exact = new byte[1000];
        assertThat(ConfigFile.readBounded(new ByteArrayInputStream(exact), 1000)).hasSize(1000);
        assertThat(ConfigFile.readBounded(new ByteArrayInputStream(new byte[1001]), 1000)).isNull();
        // a file that grows between stat and read: what is read decides, not length()
        byte[] grown = ("mode = audit\n" + "#".repeat((int) ConfigFile.MAX_FILE_BYTES) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(ConfigFile.readBounded(new ByteArrayInputStream(grown), ConfigFile.MAX_FILE_BYTES)).isNull();
    }
}
