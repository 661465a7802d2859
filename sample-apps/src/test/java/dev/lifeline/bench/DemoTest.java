package dev.lifeline.bench;

import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's first command, as written: from the repository root, no arguments, no sshd needed. */
class DemoTest {
    @Test
    void withoutTheAgentEveryScenarioHangsAndWithItEveryOneEnds() throws Exception {
        Bench.agentJar(); // skips with a reason when it is not built
        Path classes = Bench.sampleClasses().toAbsolutePath();
        Path repositoryRoot = classes.getParent().getParent().getParent();
        try (ForkedJvm demo = ForkedJvm.builder("dev.lifeline.samples.Demo")
                .directory(repositoryRoot)
                .classpath(classes.toString(), Bench.libs().toAbsolutePath().resolve("sshd-" + Versions.SSHD).resolve("*").toString())
                .echo("    [Demo] ")
                .start()) {
            assertThat(demo.awaitExit(Duration.ofSeconds(300))).as(demo.output()).isZero();
            List<String> rows = demo.stdout().stream()
                    .filter(l -> l.matches("^(exec|idle|disconnect|close).*(hung at|ended after).*")).collect(Collectors.toList());
            assertThat(rows).hasSize(5).allMatch(l -> l.contains("hung at 8 s, stopped by the demo") && l.contains("ended after"));
            assertThat(rows.stream().filter(l -> l.startsWith("exec") && l.contains("exec.timeout=3s"))).hasSize(2);
            assertThat(rows.stream().filter(l -> l.startsWith("idle") && l.contains("keepalive 1s x 3"))).hasSize(2);
            assertThat(rows.stream().filter(l -> (l.startsWith("disconnect") || l.startsWith("close"))
                    && l.contains("close.timeout=2s"))).hasSize(1);
        }
    }
}
