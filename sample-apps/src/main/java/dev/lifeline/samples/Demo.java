package dev.lifeline.samples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The README's first command: an embedded SSH server, then unchanged sample apps run under {@code -javaagent} against
 * it, each child's output echoed (the agent's {@code [lifeline]} lines show what it applied), then a summary.
 *
 * <p>Usage: {@code Demo [AGENT_JAR] [AGENT_ARGS]}, run from the repository root after {@code mvn package}. Exits 1
 * if any app did not succeed, so the README's first command also works as a smoke test.
 */
public final class Demo {
    private static final long APP_TIMEOUT_MS = 60_000;

    public static void main(String[] args) throws Exception {
        Path agent = Paths.get(args.length > 0 ? args[0] : "agent/target/lifeline-agent.jar");
        String agentArgs = args.length > 1 ? args[1] : "";
        Path libs = Paths.get("sample-apps/target/libs");
        Path classes = Paths.get("sample-apps/target/classes");
        if (!Files.isRegularFile(agent) || !Files.isDirectory(libs)) {
            System.err.println("run from the repository root after: mvn -B package -DskipTests (missing " + agent + " or " + libs + ")");
            System.exit(2);
        }
        Path work = Files.createTempDirectory("lifeline-demo");
        SampleKeys keys = SampleKeys.create(work);
        List<String[]> rows = new ArrayList<String[]>();
        try (EmbeddedSshServer server = EmbeddedSshServer.start(work)) {
            System.out.println("embedded SSH server (Apache MINA) on " + server.host() + ":" + server.port());
            String[][] runs = {
                    {"JschExec", "jsch-mwiede-" + Versions.JSCH_MWIEDE},
                    {"JschExec", "jsch-jcraft-" + Versions.JSCH_JCRAFT},
                    {"MinaExec", "sshd-" + Versions.SSHD},
            };
            for (String[] run : runs) {
                System.out.println();
                System.out.println("== " + run[0] + " on " + run[1] + " with -javaagent:" + agent
                        + (agentArgs.isEmpty() ? "" : "=" + agentArgs));
                try (ForkedJvm app = ForkedJvm.builder("dev.lifeline.samples." + run[0])
                        .classpath(classes.toString(), libs.resolve(run[1]).resolve("*").toString())
                        .agent(agent, agentArgs)
                        .args(server.host(), String.valueOf(server.port()), System.getProperty("user.name"),
                                keys.privateKey.toString(), "echo hello from the server")
                        .echo("   | ")
                        .start()) {
                    app.awaitExit(APP_TIMEOUT_MS);
                    Map<String, String> result = app.result();
                    String applied = lineWith(app, "event=session.configured");
                    rows.add(new String[]{run[0], run[1], result.getOrDefault("status", "no result"),
                            applied == null ? "nothing yet for this library" : applied.replaceFirst(".*applied=", "")});
                }
            }
        }
        System.out.println();
        System.out.printf("%-10s %-20s %-8s %s%n", "app", "library", "result", "what Lifeline applied");
        boolean allOk = true;
        for (String[] r : rows) {
            System.out.printf("%-10s %-20s %-8s %s%n", (Object[]) r);
            allOk &= "ok".equals(r[2]);
        }
        System.exit(allOk ? 0 : 1);
    }

    private static String lineWith(ForkedJvm app, String text) {
        for (String l : app.stderr()) {
            if (l.contains(text)) {
                return l;
            }
        }
        return null;
    }

}
