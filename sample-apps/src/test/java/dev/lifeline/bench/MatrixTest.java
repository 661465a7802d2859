package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.bench.MatrixCells.Behaviour;
import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;
import static org.awaitility.Awaitility.await;

/**
 * Issue 8: every library version Lifeline supports × JDK 11, 17 and 25 (issue 23; those installed): keepalive
 * detection, exec deadline and close deadline, each proven per cell against the real OpenSSH server. By default each
 * library version × behaviour runs on one of the JDKs, by turns ({@link MatrixCells#choose}), so each version and each
 * behaviour still runs, and each JDK takes an equal share (20 cells, as before JDK 11 joined); {@code
 * -Dlifeline.tests=full} runs every cell (60). A JDK the machine lacks is one skipped test with the reason (a failure
 * in CI, {@code CI=true}: {@code .ci/run} installs JDK 11 and the image has 25), and its cells go to the JDKs present.
 */
class MatrixTest {
    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().requires(PacketDrop::available, "needs root and nft").build();

    /**
     * The matrix's JDKs, oldest first: 11 ({@code -Dlifeline.test.jdk11}), the build's (17) and 25 ({@code
     * -Dlifeline.test.jdk25}); {@code -Dlifeline.test.jdks=a,b} overrides the list.
     */
    static List<Path> jdkHomes() {
        if (System.getProperty("lifeline.test.jdks", "").isBlank()) {
            return Stream.of(Bench.JDK11, Bench.defaultJdk(), Bench.JDK25)
                    .map(p -> p.toAbsolutePath().normalize()).distinct().collect(Collectors.toList());
        }
        return Bench.jdks();
    }

    static boolean installed(Path home) {
        return Files.isExecutable(home.resolve("bin/java"));
    }

    static List<MatrixCells.Cell> cells() {
        List<MatrixCells.Jdk> jdks = jdkHomes().stream().filter(MatrixTest::installed)
                .map(home -> new MatrixCells.Jdk(home, Bench.javaVersion(home))).collect(Collectors.toList());
        return MatrixCells.choose(MatrixCells.rows(), jdks, Bench.fullSuite());
    }

    /** The cells that run for {@code b}: the JSch and MINA versions as a {@link Library}, sshj's as its directory. */
    static List<Arguments> cells(Behaviour b, boolean sshj) {
        List<Arguments> out = new ArrayList<>();
        for (MatrixCells.Cell c : cells()) {
            if (c.skipped == null && c.behaviour == b && c.row.dir.startsWith("sshj-") == sshj) {
                out.add(Arguments.of(sshj ? c.row.dir : library(c.row.dir), c.jdk.home));
            }
        }
        return out;
    }

    private static Library library(String dir) {
        return Stream.of(Library.values()).filter(l -> l.dir.equals(dir)).findFirst().orElseThrow();
    }

    static List<Arguments> keepaliveCells() {
        return cells(Behaviour.KEEPALIVE, false);
    }

    static List<Arguments> execCells() {
        return cells(Behaviour.EXEC_DEADLINE, false);
    }

    static List<Arguments> closeCells() {
        return cells(Behaviour.CLOSE_DEADLINE, false);
    }

    /** Issue 15: sshj's keepalive cells only (its other features run on JDK 17 in {@link SshjAgentTest}). */
    static List<Arguments> sshjCells() {
        return cells(Behaviour.KEEPALIVE, true);
    }

    /** What does not run, each a skipped test with its reason: a JDK the machine lacks, a version a JDK cannot load. */
    @TestFactory
    Stream<DynamicTest> notRun() {
        Stream<DynamicTest> missing = jdkHomes().stream().filter(home -> !installed(home)).map(home -> dynamicTest(
                "no JDK at " + home, () -> Requirements.require(false, "no JDK at " + home
                        + "; its cells run on the JDKs present")));
        Stream<DynamicTest> skipped = cells().stream().filter(c -> c.skipped != null)
                .map(c -> dynamicTest(c.toString(), () -> Assumptions.abort(c.skipped)));
        return Stream.concat(missing, skipped);
    }

    private static String cell(Library lib, Path jdk) {
        return lib + " on " + jdk.getFileName();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("keepaliveCells")
    void keepaliveDetectsADeadPeer(Library lib, Path jdk) throws Exception {
        try (ForkedJvm app = Bench.withAgent(Bench.app(lib.execApp(), lib, jdk), "keepalive.interval=1s,keepalive.countMax=3")
                .args(SSHD.server().target("sleep 1000")).start()) {
            long ms = PacketDrop.millisUntilAppGivesUp(app, "exec", SSHD.server().port);
            Measurements.record("matrix keepalive 1s x3, " + cell(lib, jdk), ms);
            assertThat(app.result().get("status")).isNotEqualTo("ok");
            assertThat(ms).isLessThanOrEqualTo(JschKeepaliveTest.BOUND_MS);
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("sshjCells")
    void sshjKeepaliveDetectsADeadPeer(String dir, Path jdk) throws Exception {
        try (ForkedJvm app = Bench.withAgent(Bench.app("SshjExec", dir, jdk), "keepalive.interval=1s,keepalive.countMax=3")
                .args(SSHD.server().target("sleep 1000")).start()) {
            long ms = PacketDrop.millisUntilAppGivesUp(app, "exec", SSHD.server().port);
            Measurements.record("matrix keepalive 1s x3, " + dir + " on " + jdk.getFileName(), ms);
            assertThat(app.result().get("status")).isNotEqualTo("ok");
            assertThat(ms).isLessThanOrEqualTo(JschKeepaliveTest.BOUND_MS);
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("execCells")
    void execDeadlineEndsACommandThatNeverEnds(Library lib, Path jdk) throws Exception {
        String sleep = ExecDeadlineTest.sleepForever();
        try (ForkedJvm app = Bench.withAgent(Bench.app(lib.execApp(), lib, jdk), "exec.timeout=2s")
                .args(SSHD.server().targetUnprivileged(sleep)).start()) {
            app.awaitExit(30_000);
            Map<String, String> r = app.result();
            long ms = Long.parseLong(r.get("exec_ms"));
            Measurements.record("matrix exec.timeout=2s, " + cell(lib, jdk), ms);
            assertThat(r.get("status")).isNotEqualTo("ok");
            assertThat(ms).isBetween(1900L, 4000L);
            await().atMost(Duration.ofSeconds(3)).until(() -> ExecDeadlineTest.remote(sleep) == 0);
        } finally {
            ExecDeadlineTest.killRemote(sleep);
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("closeCells")
    void closeDeadlineFreesACloseStuckOnADeadPeer(Library lib, Path jdk) throws Exception {
        ForkedJvm.Builder b = lib.isJsch()
                ? Bench.app("JschDisconnectDeadPeer", lib, jdk).args(SSHD.server().target(Bench.STUCK_WRITERS))
                : Bench.app("MinaCloseDeadPeer", lib, jdk).args(SSHD.server().target(Bench.STUCK_WRITERS));
        try (ForkedJvm app = Bench.withAgent(b.keepStdin(), "close.timeout=1500ms," + CloseDeadlineTest.NO_KEEPALIVE).start()) {
            app.awaitLine(Pattern.compile("^READY channels"), CloseDeadlineTest.STARTS_MS);
            try (PacketDrop drop = PacketDrop.on(SSHD.server().port)) {
                app.send(lib.isJsch() ? "disconnect" : "close");
                app.awaitExit(60_000);
            }
            long ms = Long.parseLong(app.result().get(lib.isJsch() ? "disconnect_ms" : "close_ms"));
            Measurements.record("matrix close.timeout=1.5s, " + cell(lib, jdk), ms);
            assertThat(app.result()).containsEntry("status", "ok");
            CloseDeadlineTest.assertClosePremise(app);
            CloseDeadlineTest.assertEndedByTheDeadline(app, ms, 1500);
        }
    }
}
