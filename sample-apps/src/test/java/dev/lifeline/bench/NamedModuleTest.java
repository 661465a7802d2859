package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 23: mwiede JSch 2.x ships a {@code module-info} (module {@code com.jcraft.jsch}). Loaded from the module path,
 * its classes are in a named module that opens nothing to Lifeline; the hooks' reflective access failed
 * ({@code IllegalAccessException}) and the exec deadline never fired.
 */
class NamedModuleTest {
    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().build();

    private static ForkedJvm.Builder onTheModulePath(String agentArgs) {
        Path jsch = Bench.libs().resolve(Library.JSCH_MWIEDE.dir).resolve("jsch-2.28.8.jar");
        ForkedJvm.Builder b = ForkedJvm.builder("dev.lifeline.samples.JschExec").javaHome(Bench.defaultJdk())
                .classpath(Bench.sampleClasses().toString())
                .jvmArg("--module-path=" + jsch).jvmArg("--add-modules=com.jcraft.jsch")
                .echo("    [JschExec/module-path] ");
        return agentArgs == null ? b : Bench.withAgent(b, agentArgs);
    }

    @Test
    void theExecDeadlineFiresForJschInANamedModule() throws Exception {
        String command = ExecDeadlineTest.sleepForever();
        try (ForkedJvm app = onTheModulePath("exec.timeout=3s").args(SSHD.server().targetUnprivileged(command)).start()) {
            app.awaitExit(30_000);
            Map<String, String> r = app.result();
            assertThat(app.stderr()).as("JSch came from its named module").anyMatch(l -> l.contains("event=session.configured"));
            assertThat(r.get("status")).isNotEqualTo("ok");
            assertThat(Long.parseLong(r.get("exec_ms"))).isBetween(2900L, 5000L);
            assertThat(app.stderr()).anyMatch(l -> l.contains("event=exec.deadline-fired"));
            assertThat(app.stderr()).noneMatch(l -> l.contains("internal.error") || l.contains("IllegalAccess"));
        } finally {
            ExecDeadlineTest.killRemote(command);
        }
    }
}
