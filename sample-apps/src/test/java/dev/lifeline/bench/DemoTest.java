package dev.lifeline.bench;

import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's first command, as written: from the repository root, no arguments, no sshd needed. It leaves no
 * process behind (issue 13: each run used to leave its four {@code sleep 30000} commands running under init).
 */
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
            // the remote commands are the demo JVM's children while it runs: note each one seen
            Set<ProcessHandle> sleeps = ConcurrentHashMap.newKeySet();
            ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor();
            watch.scheduleWithFixedDelay(() -> ProcessHandle.of(demo.pid()).ifPresent(p -> p.descendants()
                    .filter(h -> h.info().commandLine().map(c -> c.endsWith("sleep 30000")).orElse(false))
                    .forEach(sleeps::add)), 0, 200, TimeUnit.MILLISECONDS);
            try {
                assertThat(demo.awaitExit(Duration.ofSeconds(300))).as(demo.output()).isZero();
            } finally {
                watch.shutdownNow();
            }
            assertThat(sleeps).as("the demo's exec commands, seen while it ran").isNotEmpty();
            try {
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(sleeps).as("sleep 30000 left running after the demo").noneMatch(ProcessHandle::isAlive));
            } finally {
                sleeps.forEach(ProcessHandle::destroyForcibly);
            }
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
