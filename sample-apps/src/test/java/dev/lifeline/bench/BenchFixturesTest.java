package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The bench itself works: real servers, every library version, forked JVMs, and a fault that really hangs. */
class BenchFixturesTest {
    private static final Duration RUN_LIMIT = Duration.ofSeconds(60);

    /** Started by the first test that needs it (the MINA rows run without sshd). */
    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().onDemand().build();
    @RegisterExtension
    static final OpenSshExtension PROBING = OpenSshExtension.builder().config("ClientAliveInterval 1", "ClientAliveCountMax 2")
            .onDemand().build();
    static MinaServer mina;

    @BeforeAll
    static void startServers(@TempDir Path dir) throws Exception {
        mina = MinaServer.start(dir.resolve("mina"));
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (mina != null) {
            mina.close();
        }
    }

    private static void requireOpenSsh() {
        Requirements.require(OpenSshServer.available(), "OpenSSH server not available: needs /usr/sbin/sshd (Debian openssh-server)");
    }

    static Stream<Arguments> libraryOnJdk() {
        return Stream.of(Library.values()).flatMap(l -> Bench.jdks().stream().map(j -> Arguments.of(l, j)));
    }

    private static Map<String, String> runToEnd(ForkedJvm.Builder b) throws Exception {
        try (ForkedJvm app = b.start()) {
            app.awaitExit(RUN_LIMIT);
            return app.result();
        }
    }

    private static Path randomFile(Path dir, int size) throws IOException {
        byte[] payload = new byte[size];
        new Random(42).nextBytes(payload);
        return Files.write(dir.resolve("payload.bin"), payload);
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static String sftpApp(Library library) {
        return library.isJsch() ? "JschSftp" : "MinaSftp";
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("libraryOnJdk")
    void openSshServerRunsACommandForEveryLibraryAndJdk(Library library, Path jdk) throws Exception {
        requireOpenSsh();
        Map<String, String> r = runToEnd(Bench.app(library.execApp(), library, jdk).args(SSHD.server().target("echo hi $((6*7))")));
        assertThat(r).containsEntry("status", "ok").containsEntry("exit", "0").containsEntry("out", "hi 42");
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("libraryOnJdk")
    void embeddedMinaServerRunsACommandForEveryLibraryAndJdk(Library library, Path jdk) throws Exception {
        Map<String, String> r = runToEnd(Bench.app(library.execApp(), library, jdk).args(mina.target("echo hi $((6*7))")));
        assertThat(r).containsEntry("status", "ok").containsEntry("exit", "0").containsEntry("out", "hi 42");
    }

    @Test
    void openSshServerAcceptsTheEd25519UserKey() throws Exception {
        requireOpenSsh();
        Map<String, String> r = runToEnd(Bench.app("JschExec", Library.JSCH_MWIEDE, Bench.defaultJdk())
                .args(SSHD.server().targetWith(SSHD.server().ed25519Key, "echo ed25519")));
        assertThat(r).containsEntry("status", "ok").containsEntry("out", "ed25519");
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("libraryOnJdk")
    void sampleAppsStillSucceedUnderTheAgent(Library library, Path jdk) throws Exception {
        requireOpenSsh();
        try (ForkedJvm app = Bench.withAgent(Bench.app(library.execApp(), library, jdk), null)
                .args(SSHD.server().target("echo hi")).start()) {
            app.awaitExit(RUN_LIMIT);
            assertThat(app.result()).containsEntry("status", "ok").containsEntry("out", "hi");
            assertThat(app.stderr()).anyMatch(l -> l.startsWith("[lifeline] ") && l.contains("event=agent.started"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Library.class)
    void sftpRoundTripThroughOpenSshReturnsEveryByte(Library library, @TempDir Path dir) throws Exception {
        requireOpenSsh();
        Path local = randomFile(dir, 3 * 1024 * 1024 + 17);
        String remote = SSHD.server().dir.resolve("uploaded-" + library + ".bin").toString();
        Map<String, String> r = runToEnd(Bench.app(sftpApp(library), library, Bench.defaultJdk())
                .args(SSHD.server().target(local.toString(), remote)));
        assertThat(r).containsEntry("status", "ok").containsEntry("bytes", String.valueOf(Files.size(local)))
                .containsEntry("sha256", sha256(local));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_JCRAFT", "SSHD"})
    void sftpRoundTripThroughTheEmbeddedServerReturnsEveryByte(Library library, @TempDir Path dir) throws Exception {
        Path local = randomFile(dir, 1024 * 1024 + 3);
        String remote = mina.dir.resolve("uploaded-" + library + ".bin").toString();
        Map<String, String> r = runToEnd(Bench.app(sftpApp(library), library, Bench.defaultJdk())
                .args(mina.target(local.toString(), remote)));
        assertThat(r).containsEntry("status", "ok").containsEntry("sha256", sha256(local));
    }

    @Test
    void openSshServerHonoursExtraConfigLikeClientAliveInterval() throws Exception {
        Requirements.require(PacketDrop.available(), "needs root and nft");
        OpenSshServer probing = PROBING.server();
        try (ForkedJvm app = Bench.app("JschIdleShell", Library.JSCH_MWIEDE, Bench.defaultJdk()).args(probing.target()).start()) {
            app.awaitLine(Pattern.compile("^READY idle"), Duration.ofSeconds(30));
            try (PacketDrop drop = PacketDrop.on(probing.port)) {
                // unanswered client-alive probes: sshd gives up after about interval x (countMax + 1) = 3 s
                await().atMost(Duration.ofSeconds(30)).until(() -> probing.log().contains("Timeout, client not responding"));
            }
        }
    }

    @Test
    void aFailingTestGetsTheServersLogAndItsOwnFailureUnchanged() throws Throwable {
        requireOpenSsh();
        OpenSshServer server = SSHD.server();
        AssertionError failure = new AssertionError("the test's own failure");
        assertThatThrownBy(() -> SSHD.handleTestExecutionException(null, failure)).isSameAs(failure);
        assertThat(failure.getSuppressed()).hasSize(1);
        assertThat(failure.getSuppressed()[0].getMessage()).contains("sshd on " + server.host + ":" + server.port)
                .contains("Server listening on " + server.host + " port " + server.port);
    }

    @Test
    void packetDropSilencesThePortAndCloseRestoresIt() throws Exception {
        requireOpenSsh();
        Requirements.require(PacketDrop.available(), "needs root and nft");
        try (PacketDrop drop = PacketDrop.on(SSHD.server().port)) {
            // a dropped SYN is neither refused nor answered: the connect just runs out of time
            assertThatThrownBy(() -> readBanner(SSHD.server().port, 1000)).isInstanceOf(java.net.SocketTimeoutException.class);
        }
        assertThat(readBanner(SSHD.server().port, 10_000)).startsWith("SSH-2.0-OpenSSH");
    }

    private static String readBanner(int port, int timeoutMillis) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            InputStream in = s.getInputStream();
            byte[] b = new byte[64];
            int n = in.read(b);
            return n < 0 ? "" : new String(b, 0, n, StandardCharsets.US_ASCII);
        }
    }

    @Test
    void droppedPortLeavesAnUnprotectedSessionHanging() throws Exception {
        requireOpenSsh();
        Requirements.require(PacketDrop.available(), "needs root and nft");
        try (ForkedJvm app = Bench.app("JschIdleShell", Library.JSCH_MWIEDE, Bench.defaultJdk()).args(SSHD.server().target()).start()) {
            app.awaitLine(Pattern.compile("^READY idle"), Duration.ofSeconds(30));
            try (PacketDrop drop = PacketDrop.on(SSHD.server().port)) {
                // the control: with no keepalive anywhere, a silent peer blocks the reader indefinitely
                await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(10)).until(app::isAlive);
                assertThat(app.resultLine()).isNull();
            }
        }
    }
}
