package dev.lifeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 22, item 3: "protected" only where it was checked, per library copy. status said active (exit 0) and attach
 * PROTECTED for a JVM whose JSch was relocated into another package, or loaded where it cannot see the agent, or for
 * a JVM that loaded no SSH library at all. Now status lists each copy with its verdict, and exits 6 while one is left
 * unprotected; attach says PROTECTED only when every copy is woven.
 */
class ProtectedClaimsIT {
    @TempDir
    Path dir;

    private ForkedJvm start(String... args) throws Exception {
        return ForkedJvm.builder("dev.lifeline.hello.LoadsSshCopies").agentArgs("exec.timeout=2s").args(args)
                .outputIn(dir).keepStdin().start();
    }

    private static AgentCommand statusUntil(String pid, String expected) {
        AtomicReference<AgentCommand> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            last.set(AgentCommand.run("status", pid));
            return last.get().output().contains(expected);
        });
        return last.get();
    }

    private Path config() throws Exception {
        return Files.write(dir.resolve("lifeline.properties"), "exec.timeout = 2s\n".getBytes(StandardCharsets.UTF_8));
    }

    private String stderr() throws Exception {
        return Files.readString(dir.resolve("stderr.txt"));
    }

    @Test
    void aRelocatedJschIsNamedOnceAndNeverCalledProtected() throws Exception {
        try (ForkedJvm app = start("relocated")) {
            String pid = String.valueOf(app.pid());
            AgentCommand status = statusUntil(pid, "libraries:");
            assertThat(status.exit()).as(status.output()).isEqualTo(6);
            assertThat(status.output()).contains("libraries:   1 of them NOT protected")
                    .contains("(vendor.shaded.com.jcraft.jsch) loader system: NOT protected: a relocated copy of com.jcraft.jsch");
            AgentCommand attach = AgentCommand.run("attach", pid, config().toString());
            assertThat(attach.exit()).as(attach.output()).isEqualTo(6);
            assertThat(attach.output()).doesNotContain("PROTECTED:").contains("NOT protected: " + pid);
            assertThat(stderr().split("event=library.unprotected", -1)).as(stderr()).hasSize(2);
            assertThat(stderr()).contains("event=library.unprotected library=com.jcraft.jsch package=vendor.shaded.com.jcraft.jsch");
        }
    }

    /** Issue 22: a relocation that renames the package altogether (not only a prefix) is named too, by class names. */
    @Test
    void aJschRelocatedIntoARenamedPackageIsNamedByItsClassNames() throws Exception {
        try (ForkedJvm app = start("renamed")) {
            String pid = String.valueOf(app.pid());
            AgentCommand status = statusUntil(pid, "libraries:");
            assertThat(status.exit()).as(status.output()).isEqualTo(6);
            assertThat(status.output()).contains("(vendor.sshlib) loader system: NOT protected: a relocated copy of com.jcraft.jsch");
            assertThat(stderr().split("event=library.unprotected", -1)).as(stderr()).hasSize(2);
            assertThat(stderr()).contains("event=library.unprotected library=com.jcraft.jsch package=vendor.sshlib")
                    .contains("renamed package, the library's class names");
        }
    }

    @Test
    void jschInALoaderThatCannotSeeTheAgentIsNotProtected() throws Exception {
        Path jsch = Paths.get(com.jcraft.jsch.JSch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (ForkedJvm app = start("isolated", jsch.toString())) {
            String pid = String.valueOf(app.pid());
            AgentCommand status = statusUntil(pid, "libraries:");
            assertThat(status.exit()).as(status.output()).isEqualTo(6);
            assertThat(status.output()).containsPattern("(?m)^  jsch \\S+ \\(com\\.jcraft\\.jsch\\) loader \\S+@\\w+:"
                    + " NOT protected: its class loader cannot see the agent or its bootstrap bridge \\(isolated loader\\); left unchanged$");
            AgentCommand attach = AgentCommand.run("attach", pid, config().toString());
            assertThat(attach.exit()).as(attach.output()).isEqualTo(6);
            assertThat(attach.output()).doesNotContain("PROTECTED:").doesNotContain("New SSH sessions get these settings");
            assertThat(stderr()).contains("event=instrumentation.unsupported");
        }
    }

    /**
     * A hook that fails at run time (JSch on the module path: the exec hook's reflection got IllegalAccessException)
     * left status at exit 0. Simulated with the test-only fault injection: every hook throws, as one would there.
     */
    @Test
    void hooksThatFailedAreNamedAndStatusIsNotOk() throws Exception {
        Path jsch = Paths.get(com.jcraft.jsch.JSch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (ForkedJvm app = ForkedJvm.builder("dev.lifeline.hello.LoadsSshCopies").agentArgs("exec.timeout=2s")
                .jvmArgs("-Dlifeline.test.faultInjection=true").args("connect")
                .classpath(ForkedJvm.testClasses() + java.io.File.pathSeparator + jsch).outputIn(dir).keepStdin().start()) {
            String pid = String.valueOf(app.pid());
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(dir.resolve("stdout.txt")).contains("ready"));
            AgentCommand status = statusUntil(pid, "libraries:");
            assertThat(status.exit()).as(status.output()).isEqualTo(6);
            assertThat(status.output()).contains("hook failures (a protection that could not be applied")
                    .containsPattern("(?m)^  \\w+\\.\\w+: dev\\.lifeline\\.report\\.")
                    .contains("NOT fully protected");
        }
    }

    @Test
    void aJvmThatLoadedNoSshLibrarySaysSo() throws Exception {
        try (ForkedJvm app = start("none")) {
            String pid = String.valueOf(app.pid());
            AgentCommand status = statusUntil(pid, "libraries:");
            assertThat(status.exit()).as(status.output()).isZero();
            assertThat(status.output()).contains("libraries:   none loaded yet");
            AgentCommand attach = AgentCommand.run("attach", pid, config().toString());
            assertThat(attach.exit()).as(attach.output()).isZero();
            assertThat(attach.output()).contains("ACTIVE: " + pid).contains("loaded no SSH library yet")
                    .doesNotContain("PROTECTED");
        }
    }
}
