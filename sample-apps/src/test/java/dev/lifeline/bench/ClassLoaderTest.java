package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8, class loaders and neighbours: an unchanged JSch app ({@code ClassLoaderApps}) against the embedded MINA
 * server, with {@code exec.timeout=2s} and {@code keepalive.interval=7s}, gets Lifeline's behaviour wherever its JSch
 * is loaded from a loader that delegates to the system loader: on the class path, in a child URLClassLoader, in two
 * sibling URLClassLoaders at once, inside a Spring Boot fat jar, beside the app's own (older) ByteBuddy, and beside
 * the OpenTelemetry agent in either order. Proof per cell: the session's {@code getServerAliveInterval()} is 7000
 * right after {@code connect()}, {@code sleep 30} ends after about 2 s by {@code exec.deadline-fired}, the
 * {@code session.configured} line names {@code keepalive.interval=7s(set)}, and Lifeline counted no internal error.
 * JSch in a loader that reaches neither Lifeline nor its bootstrap bridge (one that refuses {@code dev.lifeline.*}) is
 * left unchanged with one {@code instrumentation.unsupported} line for the JSch copy, and the app runs as without the
 * agent. (A loader under the platform loader reaches the bridge: {@code IsolatedLoaderTest}.)
 */
class ClassLoaderTest {
    static final String AGENT_ARGS = "exec.timeout=2s,exec.killGrace=500ms,keepalive.interval=7s";
    static final String SLEEP = "sleep 30";
    /** What the build copied for this test (see sample-apps/pom.xml, execution library-sets). */
    static final String APP_BYTE_BUDDY = "byte-buddy-1.14.18";
    static final String SPRING_BOOT_LOADER = "spring-boot-loader-3.5.14";
    static final String OTEL_AGENT = "opentelemetry-javaagent-2.31.1";

    static Path serverDir;
    static MinaServer server;

    @BeforeAll
    static void start() throws Exception {
        serverDir = Files.createTempDirectory("lifeline-classloader-test");
        server = MinaServer.start(serverDir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static Path jschJar() throws IOException {
        return onlyJar(Library.JSCH_MWIEDE.dir);
    }

    /** The single jar the build copied to target/libs/DIR; skips (fails in CI) if it is not there. */
    static Path onlyJar(String dir) throws IOException {
        Path d = Bench.libs().resolve(dir);
        Requirements.require(Files.isDirectory(d), d + " not copied by the build (run mvn -pl sample-apps generate-resources once online)");
        try (Stream<Path> s = Files.list(d)) {
            List<Path> jars = s.filter(p -> p.toString().endsWith(".jar")).collect(Collectors.toList());
            assertThat(jars).as("jars in " + d).hasSize(1);
            return jars.get(0).toAbsolutePath();
        }
    }

    /** ClassLoaderApps SCENARIO with the agent, sample classes (and extra entries) on the class path. */
    static ForkedJvm.Builder app(String scenario, String... extraClasspath) {
        ForkedJvm.Builder b = ForkedJvm.builder("dev.lifeline.samples.ClassLoaderApps")
                .javaHome(Bench.defaultJdk())
                .classpath(Bench.sampleClasses().toAbsolutePath().toString())
                .classpath(extraClasspath)
                .sysprop("sample.counters", "true")
                .args(server.target(SLEEP, scenario))
                .echo("    [ClassLoaderApps/" + scenario + "] ");
        return b;
    }

    /** One protected run's fields (prefix "" or "a_"/"b_"): the keepalive set, and the deadline ended the command. */
    static void assertProtected(Map<String, String> r, String prefix) {
        assertThat(r.get(prefix + "interval")).as(prefix + "interval: getServerAliveInterval() after connect()").isEqualTo("7000");
        assertThat(r.get(prefix + "exit")).as(prefix + "exit: ended by the deadline, not a success").isEqualTo("-1");
        assertThat(Long.parseLong(r.get(prefix + "exec_ms"))).as(prefix + "exec_ms").isBetween(1900L, 8000L);
    }

    static void assertLifelineLines(ForkedJvm app, int sessions) {
        List<String> err = app.stderr();
        assertThat(err.stream().filter(l -> l.contains("event=session.configured") && l.contains("lib=jsch")
                && l.contains("keepalive.interval=7s(set)"))).as("session.configured lines").hasSize(sessions);
        assertThat(err.stream().filter(l -> l.contains("event=exec.deadline-fired") && l.contains("reason=exec.timeout")))
                .as("exec.deadline-fired lines").hasSize(sessions);
        assertThat(err).noneMatch(l -> l.contains("event=instrumentation.unsupported") || l.contains("event=instrumentation.skipped")
                || l.contains("level=error"));
        assertThat(app.result()).containsEntry("lifeline_internalErrors", "0")
                .containsEntry("lifeline_sessionsSeen", String.valueOf(sessions));
    }

    static Map<String, String> runToEnd(ForkedJvm app) throws Exception {
        int exit = app.awaitExit(30_000);
        Map<String, String> r = app.result();
        assertThat(r.get("status")).as(app.output()).isEqualTo("ok");
        assertThat(exit).isZero();
        return r;
    }

    @Test
    void appClassPath() throws Exception {
        try (ForkedJvm app = Bench.withAgent(app("own", jschJar().toString()), AGENT_ARGS).start()) {
            Map<String, String> r = runToEnd(app);
            assertThat(r).containsEntry("loader", "jdk.internal.loader.ClassLoaders$AppClassLoader");
            assertProtected(r, "");
            assertLifelineLines(app, 1);
        }
    }

    @Test
    void customUrlClassLoaderUnderTheSystemLoader() throws Exception {
        try (ForkedJvm app = Bench.withAgent(app("child"), AGENT_ARGS).sysprop("sample.jschJars", jschJar().toString()).start()) {
            Map<String, String> r = runToEnd(app);
            assertThat(r).containsEntry("loader", "java.net.URLClassLoader");
            assertProtected(r, "");
            assertLifelineLines(app, 1);
        }
    }

    @Test
    void twoCopiesOfJschInSiblingLoadersAreBothProtected() throws Exception {
        try (ForkedJvm app = Bench.withAgent(app("siblings"), AGENT_ARGS).sysprop("sample.jschJars", jschJar().toString()).start()) {
            Map<String, String> r = runToEnd(app);
            assertThat(r).containsEntry("distinct_classes", "true")
                    .containsEntry("a_loader", "java.net.URLClassLoader").containsEntry("b_loader", "java.net.URLClassLoader");
            assertProtected(r, "a_");
            assertProtected(r, "b_");
            assertLifelineLines(app, 2);
        }
    }

    /**
     * A loader that refuses {@code dev.lifeline.*} (parent: the platform loader): neither the hooks nor the bootstrap
     * bridge can be resolved from JSch's loader, so woven calls could only fail. The classes stay as they were (no keepalive, no deadline: {@code sleep 3} under
     * {@code exec.timeout=1s} runs to exit 0), with one line per JSch class Lifeline would have instrumented.
     */
    @Test
    void aLoaderThatRefusesLifelineIsLeftUnchangedWithOneLineAndTheAppWorks() throws Exception {
        ForkedJvm.Builder b = ForkedJvm.builder("dev.lifeline.samples.ClassLoaderApps")
                .javaHome(Bench.defaultJdk())
                .classpath(Bench.sampleClasses().toAbsolutePath().toString())
                .sysprop("sample.counters", "true")
                .sysprop("sample.jschJars", jschJar().toString())
                .args(server.target("sleep 3", "strict"))
                .echo("    [ClassLoaderApps/strict] ");
        try (ForkedJvm app = Bench.withAgent(b, "exec.timeout=1s,keepalive.interval=7s").start()) {
            Map<String, String> r = runToEnd(app);
            assertThat(r).containsEntry("lifeline_visible", "false").containsEntry("loader", "dev.lifeline.samples.ClassLoaderApps$StrictLoader")
                    .containsEntry("interval", "0").containsEntry("exit", "0")
                    .containsEntry("lifeline_sessionsSeen", "0").containsEntry("lifeline_internalErrors", "0");
            assertThat(Long.parseLong(r.get("exec_ms"))).isGreaterThanOrEqualTo(2900L);
            List<String> unsupported = app.stderr().stream().filter(l -> l.contains("event=instrumentation.unsupported"))
                    .collect(Collectors.toList());
            // one line for the library copy, not one per class Lifeline knows
            assertThat(unsupported).hasSize(1);
            assertThat(unsupported.get(0)).contains("library=com.jcraft.jsch")
                    .contains("reason=\"its class loader cannot see the agent or its bootstrap bridge (isolated loader)\"")
                    .contains("action=\"left unchanged\"");
            assertThat(app.stderr()).noneMatch(l -> l.contains("event=session.configured") || l.contains("deadline-fired")
                    || l.contains("level=error") || l.contains("Exception"));
        }
    }

    @Test
    void appWithItsOwnOlderByteBuddy() throws Exception {
        Path byteBuddy = onlyJar(APP_BYTE_BUDDY);
        try (ForkedJvm app = Bench.withAgent(app("bytebuddy", jschJar().toString(), byteBuddy.toString()), AGENT_ARGS).start()) {
            Map<String, String> r = runToEnd(app);
            assertThat(r).containsEntry("before", "dev.lifeline.samples.MadeBefore").containsEntry("after", "dev.lifeline.samples.MadeAfter")
                    .containsEntry("app_bytebuddy", byteBuddy.getFileName().toString())
                    .containsEntry("app_bytebuddy_loader", "jdk.internal.loader.ClassLoaders$AppClassLoader")
                    .containsEntry("lifeline_bytebuddy", "true");
            assertProtected(r, "");
            assertLifelineLines(app, 1);
        }
    }

    /**
     * {@code java -javaagent:lifeline.jar -jar app.jar} on a Spring Boot executable jar made here: the launcher's
     * classes at the root, the app's classes in BOOT-INF/classes/, JSch as a nested jar in BOOT-INF/lib/ (stored, as
     * Spring Boot requires), loaded by Spring Boot's LaunchedClassLoader.
     */
    @Test
    void springBootFatJar(@TempDir Path dir) throws Exception {
        Path fatJar = fatJar(dir.resolve("app.jar"), onlyJar(SPRING_BOOT_LOADER), jschJar());
        // ForkedJvm always passes -cp MAIN: "-cp app.jar -jar app.jar ARGS"; with -jar the JVM ignores -cp
        ForkedJvm.Builder b = ForkedJvm.builder("-jar").javaHome(Bench.defaultJdk()).classpath(fatJar.toString())
                .sysprop("sample.counters", "true")
                .args(fatJar.toString()).args(server.target(SLEEP, "own")).echo("    [ClassLoaderApps/spring-boot] ");
        try (ForkedJvm app = Bench.withAgent(b, AGENT_ARGS).start()) {
            Map<String, String> r = runToEnd(app);
            assertThat(r).containsEntry("loader", "org.springframework.boot.loader.launch.LaunchedClassLoader");
            assertProtected(r, "");
            assertLifelineLines(app, 1);
        }
    }

    /** Lifeline and the OpenTelemetry agent (its exporters off: no network), in both orders on the command line. */
    @ParameterizedTest(name = "otel first: {0}")
    @ValueSource(booleans = {true, false})
    void besideTheOpenTelemetryAgent(boolean otelFirst) throws Exception {
        String otel = "-javaagent:" + onlyJar(OTEL_AGENT);
        // at debug the premain prints agent.loaded (agent.started waits for the first JSch class, issue 13)
        String lifeline = "-javaagent:" + Bench.agentJar() + "=" + AGENT_ARGS + ",log.level=debug";
        ForkedJvm.Builder b = app("own", jschJar().toString())
                .env("OTEL_TRACES_EXPORTER", "none").env("OTEL_METRICS_EXPORTER", "none").env("OTEL_LOGS_EXPORTER", "none")
                .env("OTEL_SERVICE_NAME", "lifeline-classloader-test");
        b.jvmArg(otelFirst ? otel : lifeline).jvmArg(otelFirst ? lifeline : otel);
        try (ForkedJvm app = b.start()) {
            Map<String, String> r = runToEnd(app);
            String out = app.output();
            int otelStarted = out.indexOf("opentelemetry-javaagent - version: 2.31.1");
            int lifelineStarted = out.indexOf("event=agent.loaded");
            assertThat(otelStarted).as("the OpenTelemetry agent ran").isNotNegative();
            assertThat(lifelineStarted).isNotNegative();
            assertThat(otelStarted < lifelineStarted).as("premain order follows the command line").isEqualTo(otelFirst);
            assertProtected(r, "");
            assertLifelineLines(app, 1);
        }
    }

    /** A minimal Spring Boot 3.2+ executable jar: JarLauncher, Start-Class ClassLoaderApps, JSch nested and stored. */
    static Path fatJar(Path out, Path loaderJar, Path jsch) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.put(Attributes.Name.MAIN_CLASS, "org.springframework.boot.loader.launch.JarLauncher");
        a.putValue("Start-Class", "dev.lifeline.samples.ClassLoaderApps");
        a.putValue("Spring-Boot-Classes", "BOOT-INF/classes/");
        a.putValue("Spring-Boot-Lib", "BOOT-INF/lib/");
        Set<String> dirs = new HashSet<>();
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(out), mf)) {
            dirs.add("META-INF/");
            try (JarFile loader = new JarFile(loaderJar.toFile())) {
                for (Enumeration<JarEntry> e = loader.entries(); e.hasMoreElements(); ) {
                    JarEntry entry = e.nextElement();
                    String name = entry.getName();
                    if (name.equals("META-INF/MANIFEST.MF") || entry.isDirectory() && !dirs.add(name)) {
                        continue;
                    }
                    jar.putNextEntry(new JarEntry(name));
                    if (!entry.isDirectory()) {
                        try (InputStream in = loader.getInputStream(entry)) {
                            in.transferTo(jar);
                        }
                    }
                    jar.closeEntry();
                }
            }
            directory(jar, dirs, "BOOT-INF/classes/");
            Path classes = Bench.sampleClasses().toAbsolutePath();
            List<Path> files;
            try (Stream<Path> s = Files.walk(classes)) {
                files = s.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
            }
            for (Path f : files) {
                String name = "BOOT-INF/classes/" + classes.relativize(f).toString().replace('\\', '/');
                directory(jar, dirs, name.substring(0, name.lastIndexOf('/') + 1));
                jar.putNextEntry(new JarEntry(name));
                Files.copy(f, jar);
                jar.closeEntry();
            }
            directory(jar, dirs, "BOOT-INF/lib/");
            stored(jar, "BOOT-INF/lib/" + jsch.getFileName(), Files.readAllBytes(jsch));
        }
        return out;
    }

    private static void directory(JarOutputStream jar, Set<String> dirs, String dir) throws IOException {
        List<String> parents = new ArrayList<>();
        for (int i = dir.indexOf('/'); i >= 0; i = dir.indexOf('/', i + 1)) {
            parents.add(dir.substring(0, i + 1));
        }
        for (String p : parents) {
            if (dirs.add(p)) {
                jar.putNextEntry(new JarEntry(p));
                jar.closeEntry();
            }
        }
    }

    private static void stored(JarOutputStream jar, String name, byte[] bytes) throws IOException {
        JarEntry e = new JarEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(bytes.length);
        e.setCompressedSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        e.setCrc(crc.getValue());
        jar.putNextEntry(e);
        jar.write(bytes);
        jar.closeEntry();
    }
}
