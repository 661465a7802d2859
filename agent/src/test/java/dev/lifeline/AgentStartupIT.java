package dev.lifeline;

import dev.lifeline.runtime.Startup;
import dev.lifeline.ForkedJvm.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A JVM with the agent on its command line and no SSH library: start-up must never be stopped by Lifeline. */
class AgentStartupIT {
    @TempDir
    Path dir;

    static Run runHello(String agentArg, String... extraJvmArgs) throws Exception {
        return runHelloOn(System.getProperty("java.home"), agentArg, extraJvmArgs);
    }

    static Run runHelloOn(String javaHome, String agentArg, String... extraJvmArgs) throws Exception {
        return runHelloAs(List.of(), AgentJarIT.agentJar().toAbsolutePath(), ForkedJvm.testClasses(), javaHome, agentArg,
                extraJvmArgs);
    }

    /** @param prefix what runs the JVM, e.g. {@code runuser -u USER --}; empty: this user */
    static Run runHelloAs(List<String> prefix, Path agentJar, Path classes, String javaHome, String agentArg,
                          String... extraJvmArgs) throws Exception {
        return ForkedJvm.builder("dev.lifeline.hello.Hello").prefix(prefix).javaHome(javaHome).agent(agentJar, agentArg)
                .jvmArgs(extraJvmArgs).classpath(classes.toString()).run(Duration.ofSeconds(60));
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
        assertThat(run.err()).as("no SSH library: nothing at info").doesNotContain("[lifeline]");
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
        assertThat(run.err()).doesNotContain("[lifeline]");
        Run debug = runHello(null, "-Dlifeline.log.level=debug");
        assertThat(debug.err()).contains("event=agent.loaded").contains("file=none").contains("mode=fill")
                .doesNotContain("event=agent.started");
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
        assertThat(run.exit()).isEqualTo(Startup.EXIT_CONFIG_ERROR);
        assertThat(run.out()).doesNotContain("Hello");
        assertThat(run.err()).contains("event=agent.abort");
    }

    @Test
    void startsOnlyOnceWhenGivenTwice() throws Exception {
        String jar = "-javaagent:" + AgentJarIT.agentJar().toAbsolutePath();
        Run run = runHello(null, new String[]{jar, "-Dlifeline.log.level=debug"});
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Hello");
        assertThat(run.err()).containsOnlyOnce("event=agent.loaded").contains("event=agent.already-running");
    }

    @Test
    void loadsNoByteBuddyClassWhenNoSshLibraryIsPresent() throws Exception {
        // configured: premain starts the agent (Lifeline) at once; nothing configured: at the first SSH class (issue 14)
        Run run = runHello("mode=enforce", new String[]{"-Xlog:class+load=info:stdout"});
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("dev.lifeline.runtime.Startup ").doesNotContain("dev.lifeline.shaded.bytebuddy")
                .doesNotContain("dev.lifeline.jsch.JschHooks").doesNotContain("dev.lifeline.instrument.Hook ");
        Run none = runHello(null, new String[]{"-Xlog:class+load=info:stdout"});
        assertThat(none.exit()).isZero();
        assertThat(none.out()).contains("dev.lifeline.LifelineAgent ").doesNotContain("dev.lifeline.shaded.bytebuddy")
                .doesNotContain("dev.lifeline.jsch.JschHooks").doesNotContain("dev.lifeline.instrument.Hook ");
    }

    @Test
    void runsOnJdk25Too() throws Exception {
        Path jdk25 = Paths.get("/usr/lib/jvm/temurin-25-jdk-amd64");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(jdk25), "JDK 25 not installed at " + jdk25);
        Run run = runHelloOn(jdk25.toString(), null, "-Dlifeline.log.level=debug");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Hello");
        assertThat(run.err()).contains("event=agent.loaded");
    }

    /** Runs {@code main} with the agent; output to files, so a JVM that hangs fails the test instead of hanging it. */
    private Run runMain(String agentArg, String classPath, String main, String... args) throws Exception {
        return ForkedJvm.builder(main).agentArgs(agentArg).classpath(classPath).args(args).outputIn(dir).run(Duration.ofSeconds(60));
    }

    private static String testClasses() {
        return ForkedJvm.testClasses().toString();
    }

    /** Issue 13: agent.started is printed at the first class of a covered SSH library, with its version. */
    @Test
    void announcesTheStartAtTheFirstSshLibraryClassWithItsVersion() throws Exception {
        Path jsch = Paths.get(com.jcraft.jsch.JSch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String version = jsch.getFileName().toString().replaceFirst("^jsch-", "").replaceFirst("\\.jar$", "");
        Path file = write("ok.properties", "mode = enforce\n");
        Run run = runMain(file.toString(), testClasses() + java.io.File.pathSeparator + jsch, "dev.lifeline.hello.LoadClasses",
                "com.jcraft.jsch.JSch", "com.jcraft.jsch.Session");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("loaded 2");
        assertThat(run.err()).containsOnlyOnce("event=agent.started").containsPattern(
                "level=info event=agent.started version=\\S+ commit=" + java.util.regex.Pattern.quote(System.getProperty("lifeline.commit", "unknown"))
                        + " mode=enforce file=" + file
                        + " rules=0 jdk=\\S+ attach=false library=jsch library_version=" + java.util.regex.Pattern.quote(version));
    }

    /**
     * Issue 27, version skew: a file with a key of a newer Lifeline (rolled out before this JVM got the newer jar)
     * still protects: one config.unknown-key line naming the key (never its value), and the rest of the file applies.
     */
    @Test
    void aFileWithANewerLifelinesKeyStillProtects() throws Exception {
        Path jsch = Paths.get(com.jcraft.jsch.JSch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path file = write("newer.properties", "mode = enforce\nsftp.someFutureKnob = Sup3rS3cret!\nkeepalive.interval = 7s\n");
        Run run = runMain(file.toString(), testClasses() + java.io.File.pathSeparator + jsch, "dev.lifeline.hello.LoadClasses",
                "com.jcraft.jsch.JSch", "com.jcraft.jsch.Session");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("loaded 2");
        assertThat(run.err()).containsOnlyOnce("event=config.unknown-key").contains("name=sftp.someFutureKnob")
                .containsPattern("event=agent.started .*mode=enforce file=" + java.util.regex.Pattern.quote(file.toString())
                        + " .*state=active")
                .doesNotContain("Sup3rS3cret");
    }

    /**
     * An application's own properties file given by mistake: since unknown keys are warnings (issue 27), 300 of them
     * would be 300 lines. The first 50 are logged one by one, the rest counted in one line; the agent runs.
     */
    @Test
    void manyUnknownKeysAreLoggedFiftyThenCounted() throws Exception {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            b.append("app.setting.").append(i).append(" = x\n");
        }
        Path file = write("application.properties", b.toString());
        Run run = runMain(file.toString(), testClasses(), "dev.lifeline.hello.Hello");
        assertThat(run.exit()).isZero();
        assertThat(run.err().split("event=config.unknown-key", -1)).hasSize(51);
        assertThat(run.err()).containsOnlyOnce("event=config.warnings-not-logged count=250 logged=50");
    }

    /**
     * Issue 14: with nothing configured (no argument, no lifeline.* property, no LIFELINE_* variable) premain loads
     * two classes of the agent and starts it at the first SSH library class, which then says so as with a file.
     */
    @Test
    void withNothingConfiguredTheAgentStartsAtTheFirstSshClass() throws Exception {
        Run hello = runHello(null, "-Xlog:class+load=info:stdout");
        assertThat(hello.exit()).isZero();
        String beforeMain = hello.out().substring(0, hello.out().indexOf(" dev.lifeline.hello.Hello "));
        assertThat(beforeMain).contains("dev.lifeline.LifelineAgent ").contains("dev.lifeline.runtime.DeferredStart ")
                .doesNotContain("dev.lifeline.runtime.Startup ").doesNotContain("dev.lifeline.config.")
                .doesNotContain("dev.lifeline.instrument.");
        assertThat(hello.err()).doesNotContain("[lifeline]");
        Path jsch = Paths.get(com.jcraft.jsch.JSch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Run run = runMain(null, testClasses() + java.io.File.pathSeparator + jsch, "dev.lifeline.hello.LoadClasses",
                "com.jcraft.jsch.JSch", "com.jcraft.jsch.Session");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("loaded 2");
        assertThat(run.err()).containsOnlyOnce("event=agent.started")
                .containsPattern("level=info event=agent.started version=\\S+ commit=\\S+ mode=fill file=none rules=0 jdk=\\S+ attach=false library=jsch .*state=active");
    }

    /** The Trilead jar agent/pom.xml copies (Maven's build222). */
    static String trileadJar() {
        return Paths.get("target/libs/trilead-build222/trilead-ssh2-1.0.0-build222.jar").toAbsolutePath().toString();
    }

    /** Issue 13 named Trilead unprotected; issue 26 covers it: its first class starts the agent, nothing is unprotected. */
    @Test
    void trileadIsCoveredNotNamedUnprotected() throws Exception {
        Run run = runMain(null, testClasses() + java.io.File.pathSeparator + trileadJar(), "dev.lifeline.hello.LoadClasses",
                "com.trilead.ssh2.Connection", "com.trilead.ssh2.KnownHosts");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("loaded 2");
        assertThat(run.err()).doesNotContain("event=library.unprotected").doesNotContain("instrumentation.unsupported")
                .containsPattern("event=agent.started .*library=trilead library_version=1.0.0-build222 ");
    }

    /**
     * Issue 22 item 7: {@code log.file=/dev/stdout} with stdout redirected to a regular file without append (as
     * {@code > out.log} and ProcessBuilder do). Lifeline opened a descriptor of its own, so the app's descriptor stayed
     * at offset 0 and its "Hello" overwrote the start of Lifeline's first line. Every line must arrive whole.
     */
    @Test
    void logFileDevStdoutSharesTheAppsOffsetSoNoLineIsOverwritten() throws Exception {
        Run run = runMain("log.level=debug,log.file=/dev/stdout", testClasses(), "dev.lifeline.hello.Hello");
        assertThat(run.exit()).isZero();
        String[] lines = run.out().split("\n");
        assertThat(lines.length).as(run.out()).isGreaterThan(1);
        assertThat(run.out()).contains("Hello\n");
        for (String line : lines) {
            assertThat(line).as("every line whole: %s", run.out()).matches("Hello|\\[lifeline] ts=\\S+ level=\\w+ event=.*");
        }
    }

    /**
     * Issue 22 item 8: pointed by mistake at an application's properties, Lifeline named each key it does not know and
     * logged its value ({@code spring.datasource.password = "Sup3rS3cret!": unknown key}). The key only, in every form
     * an unknown key takes (global, a rule's, an empty key, a duplicate of an unknown key).
     */
    @Test
    void anUnknownKeysValueIsNeverLogged() throws Exception {
        Path file = write("application.properties", "spring.datasource.password = Sup3rS3cret!\n"
                + "spring.datasource.password = Sup3rS3cret!\n" + "host.db.password = Sup3rS3cret!\n"
                + "host.password = Sup3rS3cret!\n" + "= Sup3rS3cret!\n" + "mode = sometimes\n");
        Run run = runMain(file.toString(), testClasses(), "dev.lifeline.hello.Hello");
        assertThat(run.exit()).isZero();
        assertThat(run.err()).contains("spring.datasource.password: unknown key").contains("host.db.password: unknown key")
                .contains("host.password: incomplete rule key").contains("(empty key): a line must start with a key")
                .contains("spring.datasource.password: duplicate key")
                .contains("mode = \\\"sometimes\\\": not a mode") // a known key's value is still shown
                .doesNotContain("Sup3rS3cret");
    }

    /** Issue 13: a FIFO as log.file blocked start-up forever (opening it for writing waits for a reader). */
    @Test
    void aFifoAsLogFileIsNamedAndTheApplicationRuns() throws Exception {
        Path fifo = dir.resolve("lifeline.log");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Path file = write("fifo.properties", "log.file = " + fifo + "\n");
        Run run = runMain(file.toString(), testClasses(), "dev.lifeline.hello.Hello");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Hello");
        assertThat(run.err()).containsOnlyOnce("event=log.file-unusable")
                .contains("event=log.file-unusable file=" + fifo + " reason=\"is a FIFO (named pipe)\" action=\"logging to stderr\"");
    }

    /**
     * Issue 13: a FIFO as the configuration file would block start-up forever (opening it for reading waits for a
     * writer). The read happens on a lifeline-config thread that start-up waits for 5 s at most; a loader that refuses
     * FIFOs answers at once. Either way the application runs, and says why Lifeline is disabled.
     */
    @Test
    void aFifoAsConfigFileCannotBlockStartUp() throws Exception {
        Path fifo = dir.resolve("lifeline.properties");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        long start = System.nanoTime();
        Run run = runMain(fifo.toString(), testClasses(), "dev.lifeline.hello.Hello");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("Hello");
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms to run").isLessThan(30_000);
        assertThat(run.err()).contains(fifo.toString()).contains("event=agent.disabled")
                .containsPattern("event=config\\.(unreadable|invalid)");
    }

    /** Issue 13: with mode=off nothing is instrumented, yet the first SSH class still says so (Trilead, covered since issue 26, is not named unprotected). */
    @Test
    void withModeOffTheFirstSshClassStillAnnouncesTheAgentAndNamesUncoveredLibraries() throws Exception {
        Path jsch = Paths.get(com.jcraft.jsch.JSch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path file = write("off.properties", "mode = off\n");
        Run run = runMain(file.toString(), testClasses() + java.io.File.pathSeparator + jsch + java.io.File.pathSeparator + trileadJar(),
                "dev.lifeline.hello.LoadClasses", "com.jcraft.jsch.JSch", "com.trilead.ssh2.Connection");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("loaded 2");
        assertThat(run.err()).containsOnlyOnce("event=agent.started").containsPattern("event=agent.started .*mode=off .*library=jsch .*state=off")
                .doesNotContain("event=library.unprotected")
                .doesNotContain("instrumentation.");
    }
}
