package dev.lifeline;

import dev.lifeline.cli.MiniJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 27, the host inventory: {@code status --all} finds a JVM that loaded JSch without Lifeline and flags it, lists
 * one with Lifeline with its state, names a JVM stopped with {@code kill -STOP} as not answering within its bound,
 * and its JSON parses. Three forked JVMs; other JVMs of the machine are listed too and left out of the assertions.
 * Isolated: the ITs run three classes at a time, and {@code status --all} would attach to the other classes' JVMs
 * (a JVM another IT stopped with {@code kill -STOP} among them).
 */
@Isolated("status --all attaches to every JVM of the machine")
class StatusAllIT {
    @TempDir
    Path dir;

    @Test
    void findsTheUnprotectedJvmListsLifelineAndNamesAStoppedJvm() throws Exception {
        assumeTrue(new File("/proc/self/stat").isFile(), "Linux /proc");
        Path jsch = Paths.get(com.jcraft.jsch.JSch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String cp = ForkedJvm.testClasses() + File.pathSeparator + jsch;
        try (ForkedJvm bare = start(ForkedJvm.builder("dev.lifeline.hello.LoadsSshCopies").noAgent().classpath(cp)
                .args("connect"), "bare");
             ForkedJvm withLifeline = start(ForkedJvm.builder("dev.lifeline.hello.LoadsSshCopies")
                     .agentArgs("exec.timeout=2s").classpath(cp).args("connect"), "lifeline");
             ForkedJvm toStop = start(ForkedJvm.builder("dev.lifeline.hello.StayAlive").noAgent(), "stopped")) {
            String a = String.valueOf(bare.pid());
            String b = String.valueOf(withLifeline.pid());
            String c = String.valueOf(toStop.pid());
            for (String name : new String[]{"bare", "lifeline", "stopped"}) {
                await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(dir.resolve(name).resolve("stdout.txt")).contains("ready"));
            }
            String jschVersion = jsch.getFileName().toString().replace("jsch-", "").replace(".jar", "");
            AtomicReference<AgentCommand> all = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                all.set(AgentCommand.run("status", "--all"));
                return all.get().output().matches("(?s).*\nprotected +" + b + " .*");
            });
            String out = all.get().output();
            assertThat(all.get().exit()).as(out).isEqualTo(6);
            assertThat(out).containsPattern("(?m)^UNPROTECTED +" + a + " +dev\\.lifeline\\.hello\\.LoadsSshCopies +none +jsch "
                    + jschVersion.replace(".", "\\.") + ": NOT protected \\(no Lifeline\\)$");
            assertThat(out).containsPattern("(?m)^protected +" + b + " +dev\\.lifeline\\.hello\\.LoadsSshCopies +active"
                    + " mode=fill file=none +jsch " + jschVersion.replace(".", "\\.") + ": protected$");
            assertThat(out).containsPattern("(?m)^no-ssh +" + c + " +dev\\.lifeline\\.hello\\.StayAlive +none +none loaded$");
            // it loaded nothing: the JVMs without Lifeline still have none
            assertThat(Files.readString(dir.resolve("bare").resolve("stderr.txt"))).doesNotContain("[lifeline]");
            assertThat(out).doesNotContain("dev.lifeline.agent");

            // the fault is real: the JVM that answered a moment ago is stopped now
            AgentCommand.signal(toStop.pid(), "STOP");
            try {
                await().atMost(Duration.ofSeconds(5)).until(() -> stateOf(c) == 'T');
                AgentCommand json = AgentCommand.run(List.of("-Dlifeline.cli.timeoutMillis=8000"), 45,
                        "status", "--all", "--format", "json");
                assertThat(json.exit()).as(json.output()).isEqualTo(6);
                assertThat(json.millis()).isLessThan(8000 + 15_000); // the bound, plus this command's own JVM start
                @SuppressWarnings("unchecked")
                Map<String, Object> parsed = (Map<String, Object>) MiniJson.parse(json.output());
                assertThat(parsed.get("boundMillis")).isEqualTo(8000L);
                Map<String, Object> stopped = jvm(parsed, c);
                assertThat(stopped.get("verdict")).isEqualTo("no-answer");
                assertThat((String) stopped.get("problem")).contains("no answer within 8 s")
                        .contains("process " + c + " is stopped (kill -STOP");
                Map<String, Object> unprotected = jvm(parsed, a);
                assertThat(unprotected.get("verdict")).isEqualTo("unprotected");
                assertThat(unprotected.get("libraries").toString()).contains("name=jsch", "version=" + jschVersion,
                        "protected=false");
                assertThat(jvm(parsed, b).get("main")).isEqualTo("dev.lifeline.hello.LoadsSshCopies");
            } finally {
                AgentCommand.signal(toStop.pid(), "CONT");
            }
        }
    }

    private ForkedJvm start(ForkedJvm.Builder builder, String name) throws Exception {
        return builder.outputIn(Files.createDirectories(dir.resolve(name))).keepStdin().start();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> jvm(Map<String, Object> parsed, String pid) {
        for (Map<String, Object> j : (List<Map<String, Object>>) parsed.get("jvms")) {
            if (String.valueOf(j.get("pid")).equals(pid)) {
                return j;
            }
        }
        throw new AssertionError("JVM " + pid + " not listed: " + parsed);
    }

    private static char stateOf(String pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", pid, "stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }
}
