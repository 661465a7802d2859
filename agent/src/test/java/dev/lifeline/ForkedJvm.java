package dev.lifeline;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test JVM with the agent on its command line, for the agent's forked-JVM ITs: {@code java -javaagent:JAR=ARGS
 * [jvm args] -cp target/test-classes MAIN [args]}, optionally behind a prefix ({@code runuser -u USER --},
 * {@code env K=V}). Output goes to {@code stdout.txt}/{@code stderr.txt} in a folder (so a child that hangs fails the
 * test instead of filling a pipe and hanging it); {@link #close()} ends it and everything it started.
 *
 * <p>sample-apps has its own {@code dev.lifeline.samples.ForkedJvm} (line-by-line pumps, RESULT lines, Java 8): the
 * demo, which is main code run from {@code sample-apps/target/classes}, needs it there, and the agent, built first,
 * cannot depend on sample-apps. This one is the agent's side: thin, files instead of pumps.
 */
final class ForkedJvm implements AutoCloseable {
    /** How long {@link #close()} waits for a child whose stdin it closed (StayAlive returns then) before killing it. */
    static final Duration GRACE = Duration.ofSeconds(30);

    /** What a JVM run to its end printed. */
    record Run(int exit, String out, String err) {
    }

    private final Process process;
    private final Path out;
    private final Path err;

    private ForkedJvm(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    static Builder builder(String mainClass) {
        return new Builder(mainClass);
    }

    static final class Builder {
        private final String mainClass;
        private final List<String> prefix = new ArrayList<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private String javaHome = System.getProperty("java.home");
        private String agent = "-javaagent:" + AgentJarIT.agentJar().toAbsolutePath();
        private String classpath = testClasses().toString();
        private Path outputDir;
        private boolean keepStdin;

        private Builder(String mainClass) {
            this.mainClass = mainClass;
        }

        /** What runs the JVM, e.g. {@code runuser -u USER --}; none by default. */
        Builder prefix(List<String> command) {
            prefix.addAll(command);
            return this;
        }

        Builder javaHome(String home) {
            javaHome = home;
            return this;
        }

        /** {@code -javaagent:JAR[=ARGS]}; {@code agentArgs} null: none. Default: the built agent jar, no arguments. */
        Builder agent(Path jar, String agentArgs) {
            agent = "-javaagent:" + jar + (agentArgs == null ? "" : "=" + agentArgs);
            return this;
        }

        /** No {@code -javaagent}: a JVM as it runs before Lifeline is rolled out. */
        Builder noAgent() {
            agent = null;
            return this;
        }

        /** The built agent jar with these arguments (null: none). */
        Builder agentArgs(String agentArgs) {
            return agent(AgentJarIT.agentJar().toAbsolutePath(), agentArgs);
        }

        Builder jvmArgs(String... a) {
            jvmArgs.addAll(Arrays.asList(a));
            return this;
        }

        /** Default: {@code target/test-classes}. */
        Builder classpath(String cp) {
            classpath = cp;
            return this;
        }

        Builder args(String... a) {
            args.addAll(Arrays.asList(a));
            return this;
        }

        /** Where stdout.txt and stderr.txt go; default: a new folder under {@code target/forked-jvms}. */
        Builder outputIn(Path dir) {
            outputDir = dir;
            return this;
        }

        /** Keeps the child's stdin open (StayAlive runs until it closes; {@link ForkedJvm#send}). */
        Builder keepStdin() {
            keepStdin = true;
            return this;
        }

        ForkedJvm start() throws IOException {
            List<String> cmd = new ArrayList<>(prefix);
            cmd.add(Paths.get(javaHome, "bin", "java").toString());
            if (agent != null) {
                cmd.add(agent);
            }
            cmd.addAll(jvmArgs);
            cmd.add("-cp");
            cmd.add(classpath);
            cmd.add(mainClass);
            cmd.addAll(args);
            Path dir = outputDir != null ? outputDir
                    : Files.createTempDirectory(Files.createDirectories(Paths.get("target", "forked-jvms")), "jvm-");
            Path out = dir.resolve("stdout.txt");
            Path err = dir.resolve("stderr.txt");
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!keepStdin) {
                p.getOutputStream().close();
            }
            return new ForkedJvm(p, out, err);
        }

        /** Runs it to its end; a JVM still running after {@code timeout} is killed and fails the test. */
        Run run(Duration timeout) throws Exception {
            try (ForkedJvm jvm = start()) {
                boolean ended = jvm.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!ended) {
                    jvm.destroy();
                }
                assertThat(ended).as("the JVM ended within %s; stderr: %s", timeout, jvm.stderr()).isTrue();
                return new Run(jvm.process.exitValue(), jvm.stdout(), jvm.stderr());
            }
        }
    }

    static Path testClasses() {
        return Paths.get("target", "test-classes").toAbsolutePath();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String stdout() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    String stderr() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    /** One line to the child's stdin ({@link Builder#keepStdin()}). */
    void send(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private void destroy() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** Closes stdin (StayAlive returns), waits {@link #GRACE}, then kills the child and its descendants. */
    @Override
    public void close() throws InterruptedException {
        try {
            process.getOutputStream().close();
        } catch (IOException alreadyClosed) {
            // a child started without keepStdin
        }
        if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            destroy();
        }
    }
}
