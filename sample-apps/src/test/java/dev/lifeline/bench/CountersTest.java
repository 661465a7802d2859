package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7: the counters behind the JMX view move with real scenarios (read from inside each app at its end, the values
 * {@code lifeline:type=Agent} serves): sessions seen/changed, exec deadlines (TERM, KILL), close and connect deadlines,
 * dead peers declared by keepalive, and the app threads those events woke.
 */
class CountersTest {
    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().requires(PacketDrop::available, "needs root and nft").build();

    /**
     * The app prints the agent's counters read over JMX; with the JVM's own JMX agent configured Lifeline registers its
     * MBean at start instead of after its 5 s delay, so a short app does not wait for it.
     */
    private static ForkedJvm.Builder counted(ForkedJvm.Builder b, String agentArgs) {
        return Bench.withAgent(b, agentArgs).jvmArg("-Dsample.counters=true").jvmArg("-Dcom.sun.management.jmxremote");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "SSHD"})
    void sessionsAndExecDeadlinesAreCounted(Library lib) throws Exception {
        String sleep = ExecDeadlineTest.sleepForever();
        try (ForkedJvm app = counted(Bench.app(lib.execApp(), lib, Bench.defaultJdk()), "exec.timeout=1s,exec.killGrace=0")
                .args(SSHD.server().targetUnprivileged(sleep)).start()) {
            app.awaitExit(30_000);
            Map<String, String> r = app.result();
            assertThat(r).containsEntry("lifeline_sessionsSeen", "1").containsEntry("lifeline_sessionsChanged", "1")
                    .containsEntry("lifeline_execDeadlinesWatched", "1").containsEntry("lifeline_execDeadlinesTerm", "1")
                    .containsEntry("lifeline_internalErrors", "0");
            // MINA: the app's thread in waitFor(CLOSED). JSch's example loop polls isClosed() and sleeps: never blocked
            // in JSch, so not a thread Lifeline woke
            if (!lib.isJsch()) {
                assertThat(Integer.parseInt(r.get("lifeline_threadsWoken"))).isPositive();
            }
        } finally {
            ExecDeadlineTest.killRemote(sleep);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "SSHD"})
    void aCommandThatIgnoresTermIsKilledAndCounted(Library lib) throws Exception {
        // TERM ignored by the shell and, inherited, by its sleep: only KILL after exec.killGrace ends it
        String marker = "lifeline-ignores-term-" + System.nanoTime();
        try (ForkedJvm app = counted(Bench.app(lib.execApp(), lib, Bench.defaultJdk()), "exec.timeout=1s,exec.killGrace=500ms")
                .args(SSHD.server().targetUnprivileged("trap '' TERM; while :; do sleep 1; done # " + marker)).start()) {
            app.awaitExit(30_000);
            assertThat(app.result()).containsEntry("lifeline_execDeadlinesTerm", "1").containsEntry("lifeline_execDeadlinesKill", "1")
                    .containsEntry("lifeline_internalErrors", "0");
            assertThat(app.result().get("status")).isNotEqualTo("ok");
        } finally {
            ExecDeadlineTest.killRemote(marker);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "SSHD"})
    void auditCountsWhatItWouldHaveDoneAndChangesNothing(Library lib) throws Exception {
        try (ForkedJvm app = counted(Bench.app(lib.execApp(), lib, Bench.defaultJdk()), "mode=audit,exec.timeout=1s")
                .args(SSHD.server().targetUnprivileged("sleep 2; echo done")).start()) {
            app.awaitExit(30_000);
            assertThat(app.result()).containsEntry("status", "ok").containsEntry("out", "done")
                    .containsEntry("lifeline_execDeadlinesAudited", "1").containsEntry("lifeline_execDeadlinesTerm", "0")
                    .containsEntry("lifeline_sessionsChanged", "0");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "SSHD"})
    void aSessionThatKeepsTheAppsValuesIsSeenButNotChanged(Library lib) throws Exception {
        try (ForkedJvm app = counted(Bench.app(lib.execApp(), lib, Bench.defaultJdk()), "mode=audit")
                .args(SSHD.server().target("true")).start()) {
            app.awaitExit(30_000);
            assertThat(app.result()).containsEntry("status", "ok").containsEntry("lifeline_sessionsSeen", "1")
                    .containsEntry("lifeline_sessionsChanged", "0");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "SSHD"})
    void closeDeadlinesAreCounted(Library lib) throws Exception {
        ForkedJvm.Builder b = lib.isJsch()
                ? Bench.app("JschDisconnectDeadPeer", lib, Bench.defaultJdk()).args(SSHD.server().target(Bench.STUCK_WRITERS))
                : Bench.app("MinaCloseDeadPeer", lib, Bench.defaultJdk()).args(SSHD.server().target(Bench.STUCK_WRITERS));
        try (ForkedJvm app = counted(b.keepStdin(), "close.timeout=1s," + CloseDeadlineTest.NO_KEEPALIVE).start()) {
            app.awaitLine(Pattern.compile("^READY channels"), CloseDeadlineTest.STARTS_MS);
            try (PacketDrop drop = PacketDrop.on(SSHD.server().port)) {
                app.send(lib.isJsch() ? "disconnect" : "close");
                app.awaitExit(60_000);
            }
            CloseDeadlineTest.assertClosePremise(app);
            assertThat(Integer.parseInt(app.result().get("lifeline_closeDeadlinesFired"))).isPositive();
            // the thread in disconnect()/close().await(), and the writers
            assertThat(Integer.parseInt(app.result().get("lifeline_threadsWoken"))).isPositive();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "JSCH_JCRAFT", "SSHD", "SSHD_LEGACY"})
    void aDeadPeerIsCountedOnceWithTheThreadItWoke(Library lib) throws Exception {
        ForkedJvm.Builder b = Bench.app(lib.isJsch() ? "JschIdleShell" : "MinaIdleChannel", lib, Bench.defaultJdk())
                .args(SSHD.server().target());
        try (ForkedJvm app = counted(b, "keepalive.interval=1s,keepalive.countMax=2").start()) {
            app.awaitLine(Pattern.compile("^READY idle"), 30_000);
            try (PacketDrop drop = PacketDrop.on(SSHD.server().port)) {
                app.awaitExit(30_000);
            }
            Map<String, String> r = app.result();
            assertThat(r).containsEntry("lifeline_keepaliveDeclaredDead", "1").containsEntry("lifeline_internalErrors", "0");
            // the app's main thread, blocked reading the shell (JSch) or in waitFor(CLOSED) (MINA)
            assertThat(Integer.parseInt(r.get("lifeline_threadsWoken"))).isPositive();
            assertThat(app.stderr()).anyMatch(l -> l.contains("event=keepalive.declared-dead")
                    && l.contains("lib=" + (lib.isJsch() ? "jsch" : "sshd")) && l.contains("interval=1s"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "SSHD"})
    void connectDeadlinesAreCounted(Library lib, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        try (SilentListener silent = new SilentListener();
             ForkedJvm app = counted(Bench.app(lib.execApp(), lib, Bench.defaultJdk()), "connect.timeout=1s")
                     .args("127.0.0.1", String.valueOf(silent.port()), "nobody",
                             dev.lifeline.samples.SampleKeys.create(dir).privateKey.toString(), "true").start()) {
            app.awaitExit(30_000);
            assertThat(app.result()).containsEntry("status", "error").containsEntry("lifeline_connectDeadlinesFired", "1");
        }
    }
}
