package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 8: every library version Lifeline supports × JDK 17 and 25 (where installed): keepalive detection, exec
 * deadline and close deadline, each proven per cell against the real OpenSSH server. By default each library version ×
 * feature runs on one of the JDKs, alternating ({@link Bench#runsCell}), so each version and each feature still runs on
 * both; {@code -Dlifeline.tests=full} runs every cell.
 */
class MatrixTest {
    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().requires(PacketDrop::available, "needs root and nft").build();

    static final int KEEPALIVE = 0;
    static final int EXEC = 1;
    static final int CLOSE = 2;

    static List<Arguments> cells(int feature) {
        List<Arguments> cells = new ArrayList<>();
        List<Path> jdks = Bench.jdks();
        for (int j = 0; j < jdks.size(); j++) {
            for (Library lib : Library.values()) {
                if (Bench.runsCell(lib.ordinal(), feature, j, jdks.size())) {
                    cells.add(Arguments.of(lib, jdks.get(j)));
                }
            }
        }
        return cells;
    }

    static List<Arguments> keepaliveCells() {
        return cells(KEEPALIVE);
    }

    static List<Arguments> execCells() {
        return cells(EXEC);
    }

    static List<Arguments> closeCells() {
        return cells(CLOSE);
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
            assertThat(ms).isLessThanOrEqualTo(5000);
        }
    }

    /** Issue 15: sshj's keepalive cell only (its other features run on JDK 17 in {@link SshjAgentTest}). */
    static List<Arguments> sshjCells() {
        List<Arguments> cells = new ArrayList<>();
        List<Path> jdks = Bench.jdks();
        String[] versions = {Versions.SSHJ, Versions.SSHJ_OLD};
        for (int j = 0; j < jdks.size(); j++) {
            for (int v = 0; v < versions.length; v++) {
                if (Bench.runsCell(v, KEEPALIVE, j, jdks.size())) {
                    cells.add(Arguments.of(versions[v], jdks.get(j)));
                }
            }
        }
        return cells;
    }

    @ParameterizedTest(name = "sshj {0} on {1}")
    @MethodSource("sshjCells")
    void sshjKeepaliveDetectsADeadPeer(String version, Path jdk) throws Exception {
        try (ForkedJvm app = Bench.withAgent(Bench.app("SshjExec", "sshj-" + version, jdk), "keepalive.interval=1s,keepalive.countMax=3")
                .args(SSHD.server().target("sleep 1000")).start()) {
            long ms = PacketDrop.millisUntilAppGivesUp(app, "exec", SSHD.server().port);
            Measurements.record("matrix keepalive 1s x3, sshj-" + version + " on " + jdk.getFileName(), ms);
            assertThat(app.result().get("status")).isNotEqualTo("ok");
            assertThat(ms).isLessThanOrEqualTo(5000);
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
            assertThat(ms).isLessThanOrEqualTo(2000);
        }
    }
}
