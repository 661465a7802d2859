package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.io.File;
import java.net.InetAddress;
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
 * Issue 23: each topology a fleet runs, the four checks in one forked JVM and one session against real OpenSSH
 * ({@link TourSupport}'s tour, agent {@link #AGENT_ARGS}: connect.timeout=5s for the silent listener alone, on
 * 127.0.0.2 and named by a host rule, since a real connect on a loaded 2-core machine can take longer than 5 s): the
 * connect to a listener that never greets ends by Lifeline's connect deadline; on
 * the open session an exec of a sleep that would outlive the test ends by Lifeline's {@code exec.timeout=3s} (TERM, not
 * as a success, the remote process gone); the session is listed by {@code sessions PID}; a peer cut with nft
 * (PacketDrop on this class's own server port) is declared dead by the keepalive within 5.5 s. The library copy was
 * woven (no {@code instrumentation.unsupported}, no internal error). The controls (the same app without the agent hangs
 * in the connect, the exec and on the dead peer) are {@code ConnectDeadlineTest}, {@code ExecDeadlineTest},
 * {@code JschKeepaliveTest}, {@code SshdKeepaliveTest} and {@code SshjControlTest}; that these loaders were left
 * unchanged before the bridge is {@code ClassLoaderTest}'s refusing loader and the README's table.
 *
 * <p>By default JBoss Modules runs JSch and sshj, Tomcat JSch and MINA; {@code -Dlifeline.tests=full} adds MINA in
 * JBoss Modules, sshj in Tomcat and that case's control. The methods share one server and cut its port in turn: they
 * run one at a time within the class.
 */
@Execution(ExecutionMode.SAME_THREAD)
class TopologyTest {
    static final String JBOSS_MODULES = "jboss-modules-2.1.5.Final";
    static final String TOMCAT = "tomcat-11.0.29";
    /** Where the tour's silent listener listens: a loopback address of its own, so a host rule names it alone. */
    static final String SILENT_HOST = "127.0.0.2";
    static final String AGENT_ARGS = "connect.timeout=60s,keepalive.interval=1s,keepalive.countMax=3,exec.timeout=3s,"
            + "host.silent.match=" + SILENT_HOST + ",host.silent.connect.timeout=5s";
    /** Three probes a second apart, then the one that finds the third unanswered, plus slack for a loaded machine. */
    static final long DEAD_PEER_BOUND_MS = 1000 * (3 + 1) + 2000;

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
        String command = ExecDeadlineTest.sleepForever();
        try (SilentListener silent = new SilentListener(InetAddress.getByName(SILENT_HOST))) {
            // the unprivileged login: sshd honours the signal request (TERM) only in a privilege-separated child
            String[] args = Stream.of(Stream.of(before), Stream.of(server.targetUnprivileged(silent.hostAndPort())),
                    Stream.of(appArgs), Stream.of(command)).flatMap(a -> a).toArray(String[]::new);
            try (ForkedJvm app = builder.args(args).start()) {
                app.awaitLine(Pattern.compile("^READY idle"), 60_000);
                // the exec ended before the shell opened
                await().atMost(Duration.ofSeconds(5)).until(() -> ExecDeadlineTest.remote(command) == 0);
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
                // the deadline's own line says when it fired (the tight check, below); the app's figure adds the
                // library's first-use class loading, seconds on a loaded machine (16.7 s seen for sshj at load 18)
                assertThat(Long.parseLong(r.get("silent_connect_ms"))).as("silent_connect_ms").isBetween(4500L, 30000L);
                assertThat(err).anyMatch(l -> l.contains("event=connect.deadline-fired") && l.contains("lib=" + lib.name)
                        && Long.parseLong(l.replaceAll(".* elapsed_ms=(\\d+).*", "$1")) <= 6500);
                assertThat(ms).as("dead peer found after the cut (ms)").isLessThanOrEqualTo(DEAD_PEER_BOUND_MS);
                assertThat(err).anyMatch(l -> l.contains("event=keepalive.declared-dead") || l.contains("event=session.close"));
                assertThat(err).anyMatch(l -> l.contains("event=session.configured") && l.contains("lib=" + lib.name));
                assertThat(err).noneMatch(l -> l.contains("event=instrumentation.unsupported") || l.contains("internal.error")
                        || l.contains("level=error") || l.contains("NoClassDefFoundError"));
                assertExecDeadline(r, "", err, lib, null);
                System.out.println("    [Topology] " + lib.arg() + ": connect deadline " + r.get("silent_connect_ms")
                        + " ms, exec deadline " + r.get("exec_ms") + " ms, dead peer " + ms + " ms");
                return r;
            }
        } finally {
            ExecDeadlineTest.killRemote(command);
        }
    }

    /**
     * The tour's exec of a sleep that would outlive the test ended by Lifeline's {@code exec.timeout=3s}: not as a
     * success, after 3 s (plus slack for a loaded machine), with Lifeline's line for {@code lib} (the one naming
     * {@code command}, when given: {@code log.commands=true}). That the remote process is gone the caller checks.
     */
    static void assertExecDeadline(Map<String, String> r, String prefix, List<String> err, Lib lib, String command) {
        assertThat(r.get(prefix + "exec_status")).as("a command ended by the deadline is not a success").isEqualTo("failed");
        assertThat(r.get(prefix + "exec_exit")).isNotEqualTo("0");
        assertThat(Long.parseLong(r.get(prefix + "exec_ms"))).as(prefix + "exec_ms").isBetween(2900L, 8000L);
        assertThat(err).anyMatch(l -> l.contains("event=exec.deadline-fired") && l.contains("lib=" + lib.name)
                && l.contains("reason=exec.timeout") && l.contains("action=TERM") && (command == null || l.contains(command)));
    }

    static String sessionsUntil(long pid, java.util.function.Predicate<String> expected) {
        AtomicReference<AgentCli> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            last.set(AgentCli.run("sessions", String.valueOf(pid)));
            return last.get().exit == 0 && expected.test(last.get().output);
        });
        return last.get().output;
    }

    /**
     * mwiede JSch 2.x from the module path (module {@code com.jcraft.jsch}, which opens nothing to Lifeline): the
     * tour's four checks, not only the exec deadline of {@code NamedModuleTest}.
     */
    @Test
    void jschAsANamedModule() throws Exception {
        Path jsch = Bench.libs().resolve(Bench.Library.JSCH_MWIEDE.dir).resolve("jsch-2.28.8.jar");
        Map<String, String> r = tour(topologyApp("module", Lib.JSCH).jvmArg("--module-path=" + jsch).jvmArg("--add-modules=com.jcraft.jsch"),
                Lib.JSCH, "jsch", "here");
        assertThat(r).containsEntry("module", "com.jcraft.jsch");
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
        assertJbossModule(Lib.JSCH, List.of(ClassLoaderTest.jschJar()), dir);
    }

    /** sshj 0.40.0 and its jars (Bouncy Castle, asn-one, slf4j) in one module, as {@link #jschInAJbossModule}. */
    @Test
    void sshjInAJbossModule(@TempDir Path dir) throws Exception {
        assertJbossModule(Lib.SSHJ, Lib.SSHJ.jars(), dir);
    }

    /** MINA 2.20.0 (sshd-common, sshd-core, slf4j) in one module; with {@code -Dlifeline.tests=full}. */
    @Test
    void minaInAJbossModule(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Bench.fullSuite(), "-Dlifeline.tests=full: MINA in JBoss Modules (sshj runs there by default)");
        assertJbossModule(Lib.MINA, Lib.MINA.jars(), dir);
    }

    static void assertJbossModule(Lib lib, List<Path> jars, Path dir) throws Exception {
        Path modules = dir.resolve("modules");
        String name = "lifeline.lib." + lib.name;
        Path libModule = Files.createDirectories(modules.resolve(name.replace('.', '/') + "/main"));
        StringBuilder roots = new StringBuilder();
        for (Path jar : jars) {
            Files.copy(jar, libModule.resolve(jar.getFileName()));
            roots.append("    <resource-root path=\"").append(jar.getFileName()).append("\"/>\n");
        }
        Files.writeString(libModule.resolve("module.xml"), "<module xmlns=\"urn:jboss:module:1.9\" name=\"" + name + "\">\n"
                + "  <resources>\n" + roots + "  </resources>\n"
                + "  <dependencies><module name=\"java.se\"/></dependencies>\n</module>\n");
        Path appModule = Files.createDirectories(modules.resolve("lifeline/tour/main"));
        Files.createSymbolicLink(appModule.resolve("classes"), Bench.sampleClasses().toAbsolutePath());
        Files.writeString(appModule.resolve("module.xml"), "<module xmlns=\"urn:jboss:module:1.9\" name=\"lifeline.tour\">\n"
                + "  <main-class name=\"dev.lifeline.samples.TopologyApps\"/>\n"
                + "  <resources><resource-root path=\"classes\"/></resources>\n"
                + "  <dependencies><module name=\"java.se\"/><module name=\"" + name + "\"/></dependencies>\n</module>\n");
        ForkedJvm.Builder b = Bench.withAgent(ForkedJvm.builder("org.jboss.modules.Main").javaHome(Bench.defaultJdk())
                .classpath(ClassLoaderTest.onlyJar(JBOSS_MODULES).toString())
                .sysprop("sample.counters", "true").echo("    [Topology/jboss-modules/" + lib.arg() + "] "), AGENT_ARGS);
        Map<String, String> r = tour(b, lib, new String[]{"-mp", modules.toString(), "lifeline.tour"}, lib.arg(), "here");
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

    /** MINA 2.20.0's jars in {@code WEB-INF/lib}, as {@link #jschInATomcatWebapp}. */
    @Test
    void minaInATomcatWebapp() throws Exception {
        assertWebapp(Lib.MINA);
    }

    /**
     * sshj 0.40.0's jars in {@code WEB-INF/lib}; with {@code -Dlifeline.tests=full}. Its loader is not asked to be
     * collected after the undeploy: {@link #sshjWebappIsKeptAfterItsUndeployWithoutLifelineToo}.
     */
    @Test
    void sshjInATomcatWebapp() throws Exception {
        Assumptions.assumeTrue(Bench.fullSuite(), "-Dlifeline.tests=full: sshj in a Tomcat webapp (MINA runs there by default)");
        assertWebapp(Lib.SSHJ);
    }

    /**
     * Why {@link #sshjInATomcatWebapp} does not ask for the webapp's loader to be collected: without Lifeline too,
     * sshj's webapp is kept after the undeploy (with the Bouncy Castle provider it registered removed, and no thread of
     * the webapp's left). The session ends when the server ends the login (no silent listener: nothing hangs without
     * the agent). With {@code -Dlifeline.tests=full}.
     */
    @Test
    void sshjWebappIsKeptAfterItsUndeployWithoutLifelineToo() throws Exception {
        Assumptions.assumeTrue(Bench.fullSuite(), "-Dlifeline.tests=full: the control of sshjInATomcatWebapp");
        OpenSshServer server = SSHD.server();
        ForkedJvm.Builder b = ForkedJvm.builder("dev.lifeline.samples.TomcatTopology").javaHome(Bench.defaultJdk())
                .classpath(Bench.sampleClasses().toAbsolutePath().toString(), Bench.libs().resolve(TOMCAT).toAbsolutePath() + "/*")
                .echo("    [Topology/tomcat/sshj, no agent] ");
        try (ForkedJvm app = b.args(server.targetUnprivileged("-", Lib.SSHJ.arg(), joined(Lib.SSHJ.jars()))).start()) {
            app.awaitLine(Pattern.compile("^READY idle"), 60_000);
            server.endUnprivilegedLogins();
            app.awaitExit(60_000);
            assertThat(app.result()).as(app.output()).containsEntry("status", "ok").containsEntry("providers_removed", "BC")
                    .containsEntry("webapp_threads", "none").containsEntry("loader_collected", "false");
        }
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
                // sshj registers Bouncy Castle JVM-wide: the webapp removes it before it is undeployed, as it must
                .containsEntry("providers_removed", lib == Lib.SSHJ ? "BC" : "none");
        if (lib != Lib.SSHJ) { // sshj's webapp is kept without Lifeline too: sshjWebappIsKeptAfterItsUndeployWithoutLifelineToo
            assertThat(r).containsEntry("loader_collected", "true");
        }
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

    /**
     * Two copies of JSch in one JVM, each in a {@code URLClassLoader} under the platform loader (both reach Lifeline
     * through the one bootstrap bridge): mwiede 2.28.8 (channels kept per session) and jcraft 0.1.55 (channels in one
     * static list), each running the tour on a thread of its own at the same time, each with its own sleep. Both
     * copies woven and named by {@code status PID} with their versions, both sessions listed by {@code sessions PID},
     * each copy's exec deadline fires for its own command ({@code log.commands=true}: the line names it), the cut peer
     * is found dead by both, each copy's connect deadline fires.
     */
    @Test
    void twoCopiesOfJschInTwoLoadersAtOnce() throws Exception {
        assertTwoCopies(Lib.JSCH, List.of(ClassLoaderTest.jschJar()), Versions.JSCH_MWIEDE,
                List.of(ClassLoaderTest.onlyJar(Library.JSCH_JCRAFT.dir)), Versions.JSCH_JCRAFT);
    }

    /** The same with MINA 2.20.0 and 2.7.0 (heartbeat properties of two shapes); with {@code -Dlifeline.tests=full}. */
    @Test
    void twoCopiesOfMinaInTwoLoadersAtOnce() throws Exception {
        Assumptions.assumeTrue(Bench.fullSuite(), "-Dlifeline.tests=full: two MINA copies (two JSch copies run by default)");
        assertTwoCopies(Lib.MINA, Lib.MINA.jars(), Versions.SSHD, jarsIn("sshd-" + Versions.SSHD_2_7), Versions.SSHD_2_7);
    }

    static List<Path> jarsIn(String dir) throws Exception {
        try (Stream<Path> s = Files.list(Bench.libs().resolve(dir))) {
            return s.filter(p -> p.toString().endsWith(".jar")).map(Path::toAbsolutePath).sorted().collect(Collectors.toList());
        }
    }

    static void assertTwoCopies(Lib lib, List<Path> oneJars, String oneVersion, List<Path> twoJars, String twoVersion) throws Exception {
        OpenSshServer server = SSHD.server();
        String one = ExecDeadlineTest.sleepForever();
        String two = ExecDeadlineTest.sleepForever();
        // the library's own jar first: the app reports the first jar's name
        Path oneJar = oneJars.stream().filter(p -> p.getFileName().toString().contains(oneVersion)).findFirst().orElseThrow();
        Path twoJar = twoJars.stream().filter(p -> p.getFileName().toString().contains(twoVersion)).findFirst().orElseThrow();
        ForkedJvm.Builder b = Bench.withAgent(ForkedJvm.builder("dev.lifeline.samples.TopologyApps").javaHome(Bench.defaultJdk())
                .classpath(Bench.sampleClasses().toAbsolutePath().toString()).sysprop("sample.counters", "true")
                .sysprop("sample.libJars", firstThenRest(oneJar, oneJars)).sysprop("sample.otherLibJars", firstThenRest(twoJar, twoJars))
                .echo("    [Topology/two/" + lib.arg() + "] "), AGENT_ARGS + ",log.commands=true");
        try (SilentListener silent = new SilentListener(InetAddress.getByName(SILENT_HOST));
             ForkedJvm app = b.args(server.targetUnprivileged(silent.hostAndPort(), lib.arg(), "two", one, two)).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> app.stdout().stream().filter(l -> l.startsWith("READY idle")).count() == 2);
            await().atMost(Duration.ofSeconds(5)).until(() -> ExecDeadlineTest.remote(one) == 0 && ExecDeadlineTest.remote(two) == 0);
            String peer = " " + lib.name + " " + server.host + ":" + server.port;
            String listed = sessionsUntil(app.pid(), o -> o.split(Pattern.quote(peer), -1).length - 1 == 2);
            assertThat(listed).startsWith("2 sessions open");
            String status = AgentCli.run("status", String.valueOf(app.pid())).output;
            for (String v : new String[]{oneVersion, twoVersion}) {
                assertThat(status).as(status).containsPattern(Pattern.quote(lib.name + " " + v + " (")
                        + "[a-z.]+\\) loader java\\.net\\.URLClassLoader@\\p{XDigit}+: woven \\(\\d+ class(es)?\\)");
            }
            long ms;
            try (PacketDrop drop = PacketDrop.on(server.port)) {
                long t0 = System.nanoTime();
                await().atMost(Duration.ofSeconds(60)).until(() -> app.stdout().stream().filter(l -> l.startsWith("READY ended")).count() == 2);
                ms = (System.nanoTime() - t0) / 1_000_000L;
            }
            app.awaitExit(30_000);
            Map<String, String> r = app.result();
            List<String> err = app.stderr();
            assertThat(r.get("status")).as(app.output()).isEqualTo("ok");
            assertThat(r).containsEntry("one_jars", oneJar.getFileName().toString()).containsEntry("two_jars", twoJar.getFileName().toString())
                    .containsEntry("one_loader", "java.net.URLClassLoader").containsEntry("two_loader", "java.net.URLClassLoader");
            assertExecDeadline(r, "one_", err, lib, one);
            assertExecDeadline(r, "two_", err, lib, two);
            assertThat(err.stream().filter(l -> l.contains("event=exec.deadline-fired"))).hasSize(2);
            assertThat(err.stream().filter(l -> l.contains("event=connect.deadline-fired") && l.contains("lib=" + lib.name))).hasSize(2);
            assertThat(ms).as("both dead peers found after the cut (ms)").isLessThanOrEqualTo(DEAD_PEER_BOUND_MS);
            assertThat(err).noneMatch(l -> l.contains("event=instrumentation.unsupported") || l.contains("internal.error")
                    || l.contains("level=error") || l.contains("NoClassDefFoundError"));
            System.out.println("    [Topology] two copies of " + lib.arg() + ": exec deadlines " + r.get("one_exec_ms") + " and "
                    + r.get("two_exec_ms") + " ms, both dead peers " + ms + " ms");
        } finally {
            ExecDeadlineTest.killRemote(one);
            ExecDeadlineTest.killRemote(two);
        }
    }

    private static String firstThenRest(Path first, List<Path> all) {
        return Stream.concat(Stream.of(first), all.stream().filter(p -> !p.equals(first))).map(Path::toString)
                .collect(Collectors.joining(File.pathSeparator));
    }
}
