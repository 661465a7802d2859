package dev.lifeline.bench;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** {@code java -jar lifeline-agent.jar ...} as an operator runs it: exit status and everything it printed. */
final class AgentCli {
    final int exit;
    final String output;

    private AgentCli(int exit, String output) {
        this.exit = exit;
        this.output = output;
    }

    /** @param jvmOptions options before {@code -jar} (e.g. {@code -Dlifeline.attach.waitMillis=8000}) */
    static AgentCli run(List<String> jvmOptions, String... args) throws Exception {
        return run(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), jvmOptions, args);
    }

    private static AgentCli run(String java, List<String> jvmOptions, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(Bench.agentJar().toString());
        command.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        System.out.println("    [cli " + String.join(" ", args) + "] exit " + exit + "\n" + out.replaceAll("(?m)^", "    [cli] "));
        return new AgentCli(exit, out);
    }

    static AgentCli run(String... args) throws Exception {
        return run(List.of(), args);
    }

    /** The same with the java of {@code jdk} (the CLI on JDK 11 attaching into 17, Jdk11Test). */
    static AgentCli runOn(java.nio.file.Path jdk, String... args) throws Exception {
        return run(jdk.resolve("bin").resolve("java").toString(), List.of(), args);
    }

    /**
     * Whether the built agent reports the issue-13 state (MBean attributes State, StateReason, ConfigErrors,
     * LastReload, a second attach switching files): that is the runtime branch's part. Before it is merged the
     * assertions that need it are skipped with this reason, not failed.
     */
    static void assumeAgentReportsState() throws IOException {
        boolean reports = false;
        try (ZipFile jar = new ZipFile(Bench.agentJar().toFile())) {
            for (ZipEntry e : java.util.Collections.list(jar.entries())) {
                // the agent side, not this CLI (whose Status reads those names)
                if (e.getName().startsWith("dev/lifeline/") && !e.getName().startsWith("dev/lifeline/cli/")
                        && e.getName().endsWith(".class")) {
                    try (InputStream in = jar.getInputStream(e)) {
                        reports |= new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains("StateReason");
                    }
                }
            }
        }
        Assumptions.assumeTrue(reports, "the agent's MBean has no State/StateReason yet (runtime branch not merged)");
    }
}
