package dev.lifeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A JVM with the agent on its command line and no SSH library: start-up must never be stopped by Lifeline. */
class AgentStartupIT {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    static Run runHello(String agentArg, String... extraJvmArgs) throws Exception {
        return runHelloOn(System.getProperty("java.home"), agentArg, extraJvmArgs);
    }

    static Run runHelloOn(String javaHome, String agentArg, String... extraJvmArgs) throws Exception {
        return runHelloAs(List.of(), AgentJarIT.agentJar().toAbsolutePath(), Paths.get("target", "test-classes").toAbsolutePath(),
                javaHome, agentArg, extraJvmArgs);
    }

    /** @param prefix what runs the JVM, e.g. {@code runuser -u USER --}; empty: this user */
    static Run runHelloAs(List<String> prefix, Path agentJar, Path classes, String javaHome, String agentArg,
                          String... extraJvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Paths.get(javaHome, "bin", "java").toString());
        cmd.add("-javaagent:" + agentJar + (agentArg == null ? "" : "=" + agentArg));
        cmd.addAll(Arrays.asList(extraJvmArgs));
        cmd.add("-cp");
        cmd.add(classes.toString());
        cmd.add("dev.lifeline.hello.Hello");
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        // read both streams fully; the child is tiny so buffers do not fill
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("hello world finished").isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    private Path write(String name, String content) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content.getBytes(StandardCharsets.UTF_8));
        return f;
    }

    @Test
    void runsTheApplicationWithAValidFile() throws Exception {
        Path file = write("ok.properties", "mode = enforce\nkeepalive.interval = 5s\n");
        Run run = runHello(file.toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out()).isEqualTo("Hello" + System.lineSeparator());
        assertThat(run.err()).contains("event=agent.started").contains("mode=enforce");
    }

    @Test
    void warnsWhenOthersMayWriteTheFile() throws Exception {
        Path file = write("open.properties", "mode = enforce\n");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        Run run = runHello(file.toString());
        assertThat(run.exit()).isZero();
        assertThat(run.err()).contains("event=config.file-writable").contains("permissions=rw-rw-rw-")
                .contains("fix=\"chmod go-w " + file + "\"");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(runHello(file.toString()).err()).doesNotContain("config.file-writable");
    }

    @Test
    void runsTheApplicationWithoutAnyFile() throws Exception {
        Run run = runHello(null);
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Hello");
        assertThat(run.err()).contains("event=agent.started").contains("file=none").contains("mode=fill");
    }

    @Test
    void runsTheApplicationUnprotectedWhenTheFileHasErrors() throws Exception {
        Path file = write("bad.properties", "keepalive.interval = 15x\nmode = sometimes\n");
        Run run = runHello(file.toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Hello");
        assertThat(run.err()).contains("event=config.invalid").contains("keepalive.interval").contains("15x")
                .contains("event=agent.disabled");
    }

    @Test
    void runsTheApplicationWhenTheFileIsMissing() throws Exception {
        Run run = runHello(dir.resolve("does-not-exist.properties").toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Hello");
        assertThat(run.err()).contains("event=config.invalid").contains("does-not-exist.properties");
    }

    @Test
    void stopsTheJvmBeforeMainWhenAskedToFailOnConfigErrors() throws Exception {
        Path file = write("strict.properties", "failOnConfigError = true\nkeepalive.interval = soon\n");
        Run run = runHello(file.toString());
        assertThat(run.exit()).isEqualTo(Lifeline.EXIT_CONFIG_ERROR);
        assertThat(run.out()).doesNotContain("Hello");
        assertThat(run.err()).contains("event=agent.abort");
    }

    @Test
    void startsOnlyOnceWhenGivenTwice() throws Exception {
        String jar = "-javaagent:" + AgentJarIT.agentJar().toAbsolutePath();
        Run run = runHello(null, new String[]{jar});
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Hello");
        assertThat(run.err()).containsOnlyOnce("event=agent.started").contains("event=agent.already-running");
    }

    @Test
    void loadsNoByteBuddyClassWhenNoSshLibraryIsPresent() throws Exception {
        Run run = runHello(null, new String[]{"-Xlog:class+load=info:stdout"});
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("dev.lifeline.Lifeline ").doesNotContain("dev.lifeline.shaded.bytebuddy")
                .doesNotContain("dev.lifeline.jsch.JschHooks").doesNotContain("dev.lifeline.instrument.Hook ");
    }

    @Test
    void runsOnJdk25Too() throws Exception {
        Path jdk25 = Paths.get("/usr/lib/jvm/temurin-25-jdk-amd64");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(jdk25), "JDK 25 not installed at " + jdk25);
        Run run = runHelloOn(jdk25.toString(), null);
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Hello");
        assertThat(run.err()).contains("event=agent.started");
    }
}
