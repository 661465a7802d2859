package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 6: a remote command that never ends, run by an unchanged app with no timeout of its own, is ended by
 * {@code exec.timeout}/{@code exec.idleTimeout} against a real OpenSSH server: TERM (sshd turns it into killpg), the
 * channel closed, the app's loop or {@code waitFor(CLOSED)} returns, never as a success, and nothing is left running.
 */
class ExecDeadlineTest {
    /**
     * Unique sleep lengths (GNU sleep takes fractions) tell this test's remote processes from any other. All of one
     * width (1PPPCCC: pid mod 1000, then a counter), so that no marker is a prefix of another: {@link #remote} matches
     * by substring, and the test classes that use it run at the same time.
     */
    private static final AtomicInteger UNIQUE = new AtomicInteger(1_000_000 + (int) (ProcessHandle.current().pid() % 1000) * 1000);

    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().build();

    static String sleepForever() {
        return "sleep 30000." + UNIQUE.incrementAndGet();
    }

    /** Processes on the server (this machine: sshd is on loopback) whose command line holds {@code marker}. */
    static long remote(String marker) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker) && !c.contains("java")).orElse(false))
                .count();
    }

    static void killRemote(String marker) {
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker) && !c.contains("java")).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }

    private static ForkedJvm run(Library library, String agentArgs, String command) throws Exception {
        ForkedJvm.Builder b = Bench.app(library.execApp(), library, Bench.defaultJdk()).args(SSHD.server().targetUnprivileged(command));
        return (agentArgs == null ? b : Bench.withAgent(b, agentArgs)).start();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "JSCH_JCRAFT", "SSHD", "SSHD_OLD"})
    void sleepForeverEndsWithinExecTimeoutAndLeavesNothingRunning(Library library) throws Exception {
        String command = sleepForever();
        try (ForkedJvm app = run(library, "exec.timeout=3s", command)) {
            app.awaitExit(30_000);
            Map<String, String> r = app.result();
            long ms = Long.parseLong(r.get("exec_ms"));
            Measurements.record("exec.timeout=3s, sleep forever, " + library, ms);
            assertThat(r.get("status")).as("a timed-out command is not a success").isNotEqualTo("ok");
            assertThat(r.get("exit")).isNotEqualTo("0");
            assertThat(ms).isBetween(2900L, 5000L);
            await().atMost(Duration.ofSeconds(3)).until(() -> remote(command) == 0);
            assertThat(app.stderr()).anyMatch(l -> l.contains("event=exec.deadline-fired") && l.contains("reason=exec.timeout")
                    && l.contains("action=TERM") && l.contains("host=127.0.0.1") && l.contains("rule=\"agent argument\""));
            assertThat(app.stderr()).as("the command is not logged without log.commands=true")
                    .noneMatch(l -> l.contains(command));
        } finally {
            killRemote(command);
        }
    }

    /** The login shell runs the command itself, so TERM reaches the trap; it exits 0 within a second of TERM. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "SSHD"})
    void aCommandThatTrapsTermAndExitsZeroIsStillNotASuccess(Library library) throws Exception {
        String marker = "lifeline-trap-" + UNIQUE.incrementAndGet();
        try (ForkedJvm app = run(library, "exec.timeout=2s,exec.killGrace=10s",
                "trap 'exit 0' TERM; while :; do sleep 1; done # " + marker)) {
            app.awaitExit(30_000);
            Map<String, String> r = app.result();
            // ended by the command itself after TERM, before any KILL: the trap ran and exited 0
            assertThat(app.stderr()).anyMatch(l -> l.contains("event=exec.deadline-ended") && l.contains("after=TERM"));
            assertThat(r.get("exit")).as("exit status seen by the app").isEqualTo(library.isJsch() ? "-1" : "null");
            assertThat(r.get("status")).isNotEqualTo("ok");
        } finally {
            killRemote(marker);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "SSHD"})
    void withoutTheAgentSleepForeverIsStillRunningAfter10s(Library library) throws Exception {
        String command = sleepForever();
        try (ForkedJvm app = run(library, null, command)) {
            app.awaitLine(java.util.regex.Pattern.compile("^READY exec"), 30_000);
            await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(12)).until(app::isAlive);
            assertThat(remote(command)).as("the remote command still runs").isPositive();
        } finally {
            killRemote(command);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "JSCH_JCRAFT", "SSHD", "SSHD_OLD"})
    void idleTimeoutEndsACommandThatWentQuiet(Library library) throws Exception {
        String sleep = sleepForever();
        try (ForkedJvm app = run(library, "exec.idleTimeout=2s", "sh -c 'echo a; " + sleep + "'")) {
            app.awaitExit(30_000);
            Map<String, String> r = app.result();
            long ms = Long.parseLong(r.get("exec_ms"));
            Measurements.record("exec.idleTimeout=2s, echo then sleep forever, " + library, ms);
            assertThat(r.get("status")).isNotEqualTo("ok");
            assertThat(r.get("out")).isEqualTo("a");
            assertThat(ms).isBetween(1900L, 4500L);
            await().atMost(Duration.ofSeconds(3)).until(() -> remote(sleep) == 0);
            assertThat(app.stderr()).anyMatch(l -> l.contains("event=exec.deadline-fired") && l.contains("reason=exec.idleTimeout"));
        } finally {
            killRemote(sleep);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "JSCH_JCRAFT", "SSHD", "SSHD_OLD"})
    void idleTimeoutSparesACommandThatKeepsTalking(Library library) throws Exception {
        try (ForkedJvm app = run(library, "exec.idleTimeout=2s", "sh -c 'for i in 1 2 3 4 5; do echo $i; sleep 1; done'")) {
            app.awaitExit(30_000);
            Map<String, String> r = app.result();
            assertThat(r).containsEntry("status", "ok").containsEntry("exit", "0");
            assertThat(r.get("out")).isEqualTo("1\\n2\\n3\\n4\\n5");
            assertThat(app.stderr()).noneMatch(l -> l.contains("event=exec.deadline"));
        }
    }

    @Test
    void auditOnlyLogsWhatItWouldHaveDone() throws Exception {
        try (ForkedJvm app = run(Library.JSCH_MWIEDE, "mode=audit,exec.timeout=1s", "sleep 3; echo done")) {
            app.awaitExit(30_000);
            assertThat(app.result()).containsEntry("status", "ok").containsEntry("out", "done");
            assertThat(app.stderr()).anyMatch(l -> l.contains("event=exec.deadline-would-fire") && l.contains("action=\"none (audit)\""));
            assertThat(app.stderr()).noneMatch(l -> l.contains("event=exec.deadline-fired"));
        }
    }

    @Test
    void theCommandIsLoggedOnlyWhenAskedFor() throws Exception {
        String command = sleepForever();
        try (ForkedJvm app = run(Library.SSHD, "exec.timeout=1s,log.commands=true", command)) {
            app.awaitExit(30_000);
            assertThat(app.stderr()).anyMatch(l -> l.contains("event=exec.deadline-fired") && l.contains("command=\"" + command + "\""));
        } finally {
            killRemote(command);
        }
    }
}
