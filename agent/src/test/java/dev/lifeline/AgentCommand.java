package dev.lifeline;

import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code java [options] -jar lifeline-agent.jar ARGS} as an operator runs it: exit status, output and wall time. */
record AgentCommand(int exit, String output, long millis) {
    /** Runs it; one still running after {@code limitSeconds} is killed and fails the test (the hang it checks for). */
    static AgentCommand run(List<String> jvmOptions, long limitSeconds, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(AgentJarIT.agentJar().toAbsolutePath().toString());
        command.addAll(Arrays.asList(args));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        boolean ended = p.waitFor(limitSeconds, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor();
        }
        assertThat(ended).as("%s ended within %s s (killed: it hung)", String.join(" ", args), limitSeconds).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("    [cli " + String.join(" ", args) + "] exit " + (ended ? p.exitValue() : "none") + " after "
                + ms + " ms\n" + out.replaceAll("(?m)^", "    [cli] "));
        return new AgentCommand(p.exitValue(), out, ms);
    }

    static AgentCommand run(String... args) throws Exception {
        return run(List.of(), 60, args);
    }

    static void signal(long pid, String signal) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).start().waitFor()).isZero();
    }
}
