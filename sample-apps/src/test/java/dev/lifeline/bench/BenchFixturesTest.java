package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.EmbeddedSshServer;
import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.SampleKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The bench itself works: real servers, every library version, forked JVMs, and a fault that really hangs. */
class BenchFixturesTest {
    static OpenSshServer sshd;
    static EmbeddedSshServer mina;
    static SampleKeys minaKeys;

    @BeforeAll
    static void startServers(@TempDir Path dir) throws Exception {
        mina = EmbeddedSshServer.start(dir);
        minaKeys = SampleKeys.create(dir.resolve("keys"));
        if (OpenSshServer.available() || Requirements.inCi()) {
            sshd = OpenSshServer.start();
        }
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (sshd != null) {
            sshd.close();
        }
        mina.close();
    }

    static Stream<Arguments> libraryOnJdk() {
        return Stream.of(Library.values()).flatMap(l -> Bench.jdks().stream().map(j -> Arguments.of(l, j)));
    }

    static String execApp(Library l) {
        return l.isJsch() ? "JschExec" : "MinaExec";
    }

    private static Map<String, String> runToEnd(ForkedJvm.Builder b) throws Exception {
        try (ForkedJvm app = b.start()) {
            app.awaitExit(60_000);
            return app.result();
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("libraryOnJdk")
    void openSshServerRunsACommandForEveryLibraryAndJdk(Library library, Path jdk) throws Exception {
        Requirements.require(sshd != null, "OpenSSH server not available");
        Map<String, String> r = runToEnd(Bench.app(execApp(library), library, jdk).args(sshd.target("echo hi $((6*7))")));
        assertThat(r).containsEntry("status", "ok").containsEntry("exit", "0").containsEntry("out", "hi 42");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Library.class)
    void embeddedMinaServerRunsACommandForEveryLibrary(Library library) throws Exception {
        Map<String, String> r = runToEnd(Bench.app(execApp(library), library, Bench.defaultJdk())
                .args(mina.host(), String.valueOf(mina.port()), System.getProperty("user.name"),
                        minaKeys.privateKey.toString(), "echo hi"));
        assertThat(r).containsEntry("status", "ok").containsEntry("out", "hi");
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("libraryOnJdk")
    void sampleAppsStillSucceedUnderTheAgent(Library library, Path jdk) throws Exception {
        Requirements.require(sshd != null, "OpenSSH server not available");
        try (ForkedJvm app = Bench.withAgent(Bench.app(execApp(library), library, jdk), null)
                .args(sshd.target("echo hi")).start()) {
            app.awaitExit(60_000);
            assertThat(app.result()).containsEntry("status", "ok").containsEntry("out", "hi");
            assertThat(app.stderr()).anyMatch(l -> l.startsWith("[lifeline] ") && l.contains("event=agent.started"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "SSHD"})
    void sftpRoundTripReturnsEveryByte(Library library, @TempDir Path dir) throws Exception {
        Requirements.require(sshd != null, "OpenSSH server not available");
        Path local = dir.resolve("payload.bin");
        byte[] payload = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(payload);
        Files.write(local, payload);
        String remote = sshd.dir.resolve("uploaded-" + library + ".bin").toString();
        String app = library.isJsch() ? "JschSftp" : "MinaSftp";
        Map<String, String> r = runToEnd(Bench.app(app, library, Bench.defaultJdk())
                .args(sshd.target(local.toString(), remote)));
        assertThat(r).containsEntry("status", "ok").containsEntry("bytes", String.valueOf(payload.length));
    }

    @Test
    void droppedPortLeavesAnUnprotectedSessionHanging() throws Exception {
        Requirements.require(sshd != null, "OpenSSH server not available");
        try (ForkedJvm app = Bench.app("JschIdleShell", Library.JSCH_MWIEDE, Bench.defaultJdk()).args(sshd.target()).start()) {
            app.awaitLine(Pattern.compile("^READY idle"), 30_000);
            try (PacketDrop drop = PacketDrop.on(sshd.port)) {
                // the control: with no keepalive anywhere, a silent peer blocks the reader indefinitely
                await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(10)).until(app::isAlive);
                assertThat(app.result()).isEmpty();
            }
        }
    }
}
