package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 23: each topology a fleet runs, the three checks in one forked JVM against real OpenSSH ({@link TourSupport}'s
 * tour, agent {@code connect.timeout=5s (the real connect too must pass under it on a loaded machine),keepalive.interval=1s,keepalive.countMax=3}): the connect to a listener that
 * never greets ends by Lifeline's connect deadline; the open session is listed by {@code sessions PID}; a peer cut
 * with nft (PacketDrop on this class's own server port) is declared dead by the keepalive within 5 s. The library
 * copy was woven (no {@code instrumentation.unsupported}, no internal error). The controls (the same app without the
 * agent hangs in the connect and on the dead peer) are {@code ConnectDeadlineTest}, {@code JschKeepaliveTest},
 * {@code SshdKeepaliveTest} and {@code SshjControlTest}; that these loaders were left unchanged before the bridge is
 * {@code ClassLoaderTest}'s refusing loader and the README's table.
 *
 * <p>The methods share one server and cut its port in turn: they run one at a time within the class.
 */
@Execution(ExecutionMode.SAME_THREAD)
class TopologyTest {
    static final String JBOSS_MODULES = "jboss-modules-2.1.5.Final";
    static final String TOMCAT = "tomcat-11.0.29";
    static final String AGENT_ARGS = "connect.timeout=5s,keepalive.interval=1s,keepalive.countMax=3";
    /** Three probes a second apart, then the one that finds the third unanswered, plus slack for a loaded machine. */
    static final long DEAD_PEER_BOUND_MS = 1000 * (3 + 1) + 1500;

    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().requires(PacketDrop::available, "needs root and nft").build();

    enum Lib {
        JSCH("jsch", "com.jcraft.jsch.JSch", Library.JSCH_MWIEDE.dir),
        MINA("sshd", "org.apache.sshd.client.SshClient", Library.SSHD.dir),
        SSHJ("sshj", "net.schmizz.sshj.SSHClient", "sshj-" + Versions.SSHJ);

        final String name;
        final String mainClass;
        final String dir;

        Lib(String name, String mainClass, String dir) {
            this.name = name;
            this.mainClass = mainClass;
            this.dir = dir;
        }

        String arg() {
            return this == MINA ? "mina" : name;
        }

        /** Every jar of the library set the build copied (slf4j-nop included). */
        List<Path> jars() throws Exception {
            try (Stream<Path> s = Files.list(Bench.libs().resolve(dir))) {
                return s.filter(p -> p.toString().endsWith(".jar")).map(Path::toAbsolutePath).sorted().collect(Collectors.toList());
            }
        }
    }

    static String joined(List<Path> jars) {
        return jars.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    /** TopologyApps with the sample classes (and {@code classpath}) on the class path, the agent, JDK 17. */
    static ForkedJvm.Builder topologyApp(String scenario, Lib lib, String... classpath) {
        return Bench.withAgent(ForkedJvm.builder("dev.lifeline.samples.TopologyApps").javaHome(Bench.defaultJdk())
                .classpath(Bench.sampleClasses().toAbsolutePath().toString()).classpath(classpath)
                .sysprop("sample.counters", "true")
                .echo("    [Topology/" + scenario + "/" + lib.arg() + "] "), AGENT_ARGS);
    }

    /**
     * Runs the tour in {@code app} (started with {@code args} = the server, the silent port and what the app takes
     * after them), with the three checks; returns the app's result fields.
     */
    static Map<String, String> tour(ForkedJvm.Builder builder, Lib lib, String... appArgs) throws Exception {
        return tour(builder, lib, new String[0], appArgs);
    }

    /** The same with {@code before} ahead of the server's arguments (a launcher's own, such as JBoss Modules'). */
    static Map<String, String> tour(ForkedJvm.Builder builder, Lib lib, String[] before, String... appArgs) throws Exception {
        return tour(SSHD.server(), builder, lib, before, appArgs);
    }

    /** The same against {@code server}: another class's own, whose port that class alone cuts. */
    static Map<String, String> tour(OpenSshServer server, ForkedJvm.Builder builder, Lib lib, String[] before, String... appArgs)
            throws Exception {
        try (SilentListener silent = new SilentListener()) {
            String[] args = Stream.of(Stream.of(before), Stream.of(server.target(String.valueOf(silent.port()))), Stream.of(appArgs))
                    .flatMap(a -> a).toArray(String[]::new);
            try (ForkedJvm app = builder.args(args).start()) {
                app.awaitLine(Pattern.compile("^READY idle"), 60_000);
                String peer = server.host + ":" + server.port;
                String listed = sessionsUntil(app.pid(), o -> o.contains("#1 " + lib.name + " " + peer));
                assertThat(listed).startsWith("1 session open");
                long ms;
                try (PacketDrop drop = PacketDrop.on(server.port)) {
                    long t0 = System.nanoTime();
                    app.awaitLine(Pattern.compile("^READY ended"), 60_000);
                    ms = (System.nanoTime() - t0) / 1_000_000L;
                }
                app.awaitExit(30_000);
                Map<String, String> r = app.result();
                List<String> err = app.stderr();
                assertThat(r.get("status")).as(app.output()).isEqualTo("ok");
                assertThat(r.get("silent_connect")).as("the connect to a silent listener failed").isNotEqualTo("connected");
                // the deadline's own line says when it fired; the app's figure adds the library's first-use class loading
                assertThat(Long.parseLong(r.get("silent_connect_ms"))).as("silent_connect_ms").isBetween(4500L, 12000L);
                assertThat(err).anyMatch(l -> l.contains("event=connect.deadline-fired") && l.contains("lib=" + lib.name)
                        && Long.parseLong(l.replaceAll(".* elapsed_ms=(\\d+).*", "$1")) <= 6500);
                assertThat(ms).as("dead peer found after the cut (ms)").isLessThanOrEqualTo(DEAD_PEER_BOUND_MS);
                assertThat(err).anyMatch(l -> l.contains("event=keepalive.declared-dead") || l.contains("event=session.close"));
                assertThat(err).anyMatch(l -> l.contains("event=session.configured") && l.contains("lib=" + lib.name));
                assertThat(err).noneMatch(l -> l.contains("event=instrumentation.unsupported") || l.contains("internal.error")
                        || l.contains("level=error") || l.contains("NoClassDefFoundError"));
                System.out.println("    [Topology] " + lib.arg() + ": connect deadline " + r.get("silent_connect_ms")
                        + " ms, dead peer " + ms + " ms");
                return r;
            }
        }
    }

    static String sessionsUntil(long pid, java.util.function.Predicate<String> expected) {
        AtomicReference<AgentCli> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            last.set(AgentCli.run("sessions", String.valueOf(pid)));
            return last.get().exit == 0 && expected.test(last.get().output);
        });
        return last.get().output;
    }

    @Test
    void jschInAUrlClassLoaderUnderThePlatformLoader() throws Exception {
        Map<String, String> r = tour(topologyApp("isolated", Lib.JSCH).sysprop("sample.libJars", joined(Lib.JSCH.jars())),
                Lib.JSCH, "jsch", "isolated");
        assertThat(r).containsEntry("loader", "java.net.URLClassLoader");
    }

    /**
     * JBoss Modules 2.1.5.Final as WildFly starts it ({@code org.jboss.modules.Main -mp MODULES app}): JSch in a module
     * of its own ({@code module.xml} with a {@code resource-root}), the app's module depending on it. Its loaders
     * delegate only {@code java.*} and {@code jboss.modules.system.pkgs} (not set here: the operator edits nothing).
     */
    @Test
    void jschInAJbossModule(@TempDir Path dir) throws Exception {
        Path modules = dir.resolve("modules");
        Path jschJar = ClassLoaderTest.jschJar();
        Path jschModule = Files.createDirectories(modules.resolve("com/jcraft/jsch/main"));
        Files.copy(jschJar, jschModule.resolve(jschJar.getFileName()));
        Files.writeString(jschModule.resolve("module.xml"), "<module xmlns=\"urn:jboss:module:1.9\" name=\"com.jcraft.jsch\">\n"
                + "  <resources><resource-root path=\"" + jschJar.getFileName() + "\"/></resources>\n"
                + "  <dependencies><module name=\"java.se\"/></dependencies>\n</module>\n");
        Path appModule = Files.createDirectories(modules.resolve("lifeline/tour/main"));
        Files.createSymbolicLink(appModule.resolve("classes"), Bench.sampleClasses().toAbsolutePath());
        Files.writeString(appModule.resolve("module.xml"), "<module xmlns=\"urn:jboss:module:1.9\" name=\"lifeline.tour\">\n"
                + "  <main-class name=\"dev.lifeline.samples.TopologyApps\"/>\n"
                + "  <resources><resource-root path=\"classes\"/></resources>\n"
                + "  <dependencies><module name=\"java.se\"/><module name=\"com.jcraft.jsch\"/></dependencies>\n</module>\n");
        ForkedJvm.Builder b = Bench.withAgent(ForkedJvm.builder("org.jboss.modules.Main").javaHome(Bench.defaultJdk())
                .classpath(ClassLoaderTest.onlyJar(JBOSS_MODULES).toString())
                .sysprop("sample.counters", "true").echo("    [Topology/jboss-modules/jsch] "), AGENT_ARGS);
        Map<String, String> r = tour(b, Lib.JSCH, new String[]{"-mp", modules.toString(), "lifeline.tour"}, "jsch", "here");
        assertThat(r).containsEntry("loader", "org.jboss.modules.ModuleClassLoader");
    }

    /**
     * Embedded Tomcat 11.0.29 serving a webapp with JSch in its {@code WEB-INF/lib} (the webapp loader, child-first):
     * a request runs the tour in the webapp. Then the webapp is undeployed and its class loader is collected
     * (a {@code WeakReference} cleared under {@code System.gc()}): nothing of Lifeline keeps the webapp's classes.
     */
    @Test
    void jschInATomcatWebapp() throws Exception {
        assertWebapp(Lib.JSCH);
    }

    static Map<String, String> assertWebapp(Lib lib) throws Exception {
        ForkedJvm.Builder b = Bench.withAgent(ForkedJvm.builder("dev.lifeline.samples.TomcatTopology").javaHome(Bench.defaultJdk())
                .classpath(Bench.sampleClasses().toAbsolutePath().toString(), Bench.libs().resolve(TOMCAT).toAbsolutePath() + "/*")
                .sysprop("sample.counters", "true").echo("    [Topology/tomcat/" + lib.arg() + "] "), AGENT_ARGS);
        String dump = System.getProperty("lifeline.test.heapDumpOnLeak"); // by hand: FILE.hprof, to see what keeps the loader
        if (dump != null) {
            b.sysprop("sample.heapDump", dump);
        }
        Map<String, String> r = tour(b, lib, lib.arg(), joined(lib.jars()));
        assertThat(r).containsEntry("webapp_loader", "org.apache.catalina.loader.ParallelWebappClassLoader")
                .containsEntry("loader", "org.apache.catalina.loader.ParallelWebappClassLoader")
                .containsEntry("loader_collected", "true");
        return r;
    }

    @Test
    void minaInAUrlClassLoaderUnderThePlatformLoader() throws Exception {
        Map<String, String> r = tour(topologyApp("isolated", Lib.MINA).sysprop("sample.libJars", joined(Lib.MINA.jars())),
                Lib.MINA, "mina", "isolated");
        assertThat(r).containsEntry("loader", "java.net.URLClassLoader");
    }

    @Test
    void sshjInAUrlClassLoaderUnderThePlatformLoader() throws Exception {
        Map<String, String> r = tour(topologyApp("isolated", Lib.SSHJ).sysprop("sample.libJars", joined(Lib.SSHJ.jars())),
                Lib.SSHJ, "sshj", "isolated");
        assertThat(r).containsEntry("loader", "java.net.URLClassLoader");
    }

    /** The JSch jar as a bundle in Equinox 3.21.0 with its defaults (through the bootstrap bridge). */
    @Test
    void jschBundleInEquinox() throws Exception {
        Map<String, String> r = tour(topologyApp("equinox", Lib.JSCH, ClassLoaderTest.onlyJar("equinox-3.21.0").toString())
                .sysprop("sample.libJars", ClassLoaderTest.jschJar().toString()).sysprop("sample.libClass", Lib.JSCH.mainClass),
                Lib.JSCH, "jsch", "osgi");
        assertThat(r).containsEntry("framework", "org.eclipse.osgi.launch.Equinox")
                .containsEntry("loader", "org.eclipse.osgi.internal.loader.EquinoxClassLoader");
    }

    /** The same bundle in Felix 7.0.5 with its defaults (its implicit boot delegation reaches Lifeline's hooks). */
    @Test
    void jschBundleInFelix() throws Exception {
        Map<String, String> r = tour(topologyApp("felix", Lib.JSCH, ClassLoaderTest.onlyJar("felix-7.0.5").toString())
                .sysprop("sample.libJars", ClassLoaderTest.jschJar().toString()).sysprop("sample.libClass", Lib.JSCH.mainClass),
                Lib.JSCH, "jsch", "osgi");
        assertThat(r).containsEntry("framework", "org.apache.felix.framework.Felix")
                .containsEntry("loader", "org.apache.felix.framework.BundleWiringImpl$BundleClassLoader");
    }
}
