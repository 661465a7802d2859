package dev.lifeline.bench;

import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's first command, as written: from the repository root, no arguments, no sshd needed. */
class DemoTest {
    @Test
    void demoRunsEverySampleUnderTheAgentAgainstTheEmbeddedServer() throws Exception {
        Bench.agentJar(); // skips with a reason when it is not built
        Path classes = Bench.sampleClasses().toAbsolutePath();
        Path repositoryRoot = classes.getParent().getParent().getParent();
        try (ForkedJvm demo = ForkedJvm.builder("dev.lifeline.samples.Demo")
                .directory(repositoryRoot)
                .classpath(classes.toString(), Bench.libs().toAbsolutePath().resolve("sshd-" + Versions.SSHD).resolve("*").toString())
                .echo("    [Demo] ")
                .start()) {
            assertThat(demo.awaitExit(Duration.ofSeconds(120))).as(demo.output()).isZero();
            assertThat(demo.stdout())
                    .anyMatch(l -> l.matches("JschExec +jsch-mwiede-\\S+ +ok .*"))
                    .anyMatch(l -> l.matches("JschExec +jsch-jcraft-\\S+ +ok .*"))
                    .anyMatch(l -> l.matches("MinaExec +sshd-\\S+ +ok .*"))
                    .anyMatch(l -> l.contains("| [lifeline] "));
        }
    }
}
