package dev.lifeline.bench;

import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 26: the Ganymed SSH-2 family, on each copy (Trilead build222 from Maven, Jenkins' fork build217-jenkins-8 from
 * Debian, Ganymed 262 from Maven), against Debian's OpenSSH with ssh-rsa and diffie-hellman-group14-sha1 enabled (the family speaks nothing newer). One window
 * per copy, all apps at once: the controls without the agent (an exec of {@code sleep 30000}, an idle read on a peer
 * whose packets are dropped, a connect to a listener that never greets, a {@code Connection.close()} with writers
 * stuck on the dropped peer) are still blocked when it closes, and the same apps with the agent ({@code exec.timeout=3s};
 * keepalive 1 s x 3; {@code connect.timeout=3s}; {@code close.timeout=2s}) have ended within their bounds, never as a
 * success.
 *
 * <p>By default every copy on the build's JDK (17), one smoke case (the exec deadline on Jenkins' fork and on Ganymed)
 * on JDK 11 and on JDK 25, and Jenkins' fork in an isolated loader (the bootstrap bridge) on 17;
 * {@code -Dlifeline.ssh2family.allJdks=true} (or {@code -Dlifeline.tests=full}) runs the whole window for every copy on
 * JDK 11, 17 and 25.
 */
class Ssh2FamilyTest {
    static final String[] OLD_ALGORITHMS = {"KexAlgorithms +diffie-hellman-group14-sha1"};
    static final long HANGS_S = 8;
    /** JVM start, class loading and the family's pure-Java DH group 14 key exchange, six JVMs at once on 2 cores. */
    static final long STARTS_MS = 90_000;
    @RegisterExtension
    static final OpenSshExtension CUT = OpenSshExtension.builder().config(OLD_ALGORITHMS)
            .requires(PacketDrop::available, "needs root and nft").build();
    @RegisterExtension
    static final OpenSshExtension LIVE = OpenSshExtension.builder().config(OLD_ALGORITHMS).build();

    /** The library directories under target/libs: one per copy. */
    static final List<String> COPIES = Arrays.asList("trilead-build222", "trilead-jenkins-217", "ganymed-262");

    /** Every copy on JDK 17; with {@code lifeline.ssh2family.allJdks} on 11 and 25 too. */
    static List<Arguments> copies() {
        List<Path> jdks = Bench.fullSuite() || Boolean.getBoolean("lifeline.ssh2family.allJdks")
                ? Arrays.asList(Bench.JDK11, Bench.defaultJdk(), Bench.JDK25) : Arrays.asList(Bench.defaultJdk());
        List<Arguments> out = new ArrayList<>();
        for (Path jdk : jdks) {
            for (String copy : COPIES) {
                out.add(Arguments.of(copy, jdk));
            }
        }
        return out;
    }

    static List<Path> smokeJdks() {
        return Arrays.asList(Bench.JDK11, Bench.JDK25);
    }

    static ForkedJvm.Builder app(String copy, Path jdk, String... args) {
        return Bench.app("Ssh2Exec", copy, jdk).args(args);
    }

    /** Six sessions of 2 MB window each: more than the client's socket send buffer holds (4 MB). */
    static ForkedJvm.Builder closeApp(String copy, Path jdk) {
        return Bench.app("Ssh2CloseDeadPeer", copy, jdk).args(CUT.server().target("6")).keepStdin();
    }

    static void requireJdk(Path jdk) {
        boolean present = Files.isExecutable(jdk.resolve("bin/java"));
        if (System.getenv("CI") != null) { // .ci/run installs JDK 11; JDK 25 is the image's
            assertThat(present).as("JDK at " + jdk).isTrue();
        }
        Assumptions.assumeTrue(present, "no JDK at " + jdk);
    }

    /**
     * The smoke case on JDK 11 and 25: an exec that never ends, on Jenkins' fork and on Ganymed side by side (two JVMs
     * waiting out the same 3 s: about the time of one), each ended by exec.timeout.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("smokeJdks")
    void execTimeoutOnJenkinsForkAndGanymedOnOtherJdks(Path jdk) throws Exception {
        requireJdk(jdk);
        String jenkinsCommand = ExecDeadlineTest.sleepForever();
        String ganymedCommand = ExecDeadlineTest.sleepForever();
        String args = "exec.timeout=3s,exec.killGrace=1s";
        try (ForkedJvm jenkins = Bench.withAgent(app("trilead-jenkins-217", jdk, LIVE.server().targetUnprivileged(jenkinsCommand)), args).start();
             ForkedJvm ganymed = Bench.withAgent(app("ganymed-262", jdk, LIVE.server().targetUnprivileged(ganymedCommand)), args).start()) {
            for (ForkedJvm app : new ForkedJvm[]{jenkins, ganymed}) {
                app.awaitExit(60_000);
                Map<String, String> r = app.result();
                assertThat(r.get("status")).as(app.output()).isNotEqualTo("ok");
                assertThat(Long.parseLong(r.get("exec_ms"))).isBetween(2900L, 7000L);
                String lib = app == jenkins ? "lib=trilead" : "lib=ganymed";
                assertThat(app.stderr()).anyMatch(l -> l.contains("event=exec.deadline-fired") && l.contains(lib));
                // named with its version (the jar's name), and not as an unprotected library
                String started = app == jenkins ? "library=trilead library_version=build217-jenkins-8 " : "library=ganymed library_version=262 ";
                assertThat(app.stderr()).anyMatch(l -> l.contains("event=agent.started") && l.contains(started))
                        .noneMatch(l -> l.contains("library.unprotected"));
            }
        } finally {
            ExecDeadlineTest.killRemote(jenkinsCommand);
            ExecDeadlineTest.killRemote(ganymedCommand);
        }
    }

    /**
     * The bootstrap bridge for the family: Jenkins' fork in a {@code URLClassLoader} whose parent is the platform loader
     * (TopologyApps {@code trilead isolated}, one JVM), woven and protected there as on the class path: its exec of
     * {@code sleep} ended by {@code exec.timeout=3s}, then its idle shell's connection listed by {@code sessions PID}
     * with Lifeline's keepalive, and declared dead after an nft cut within 1 s x (3 + 1) + 2 s. The controls (the
     * same exec and idle read hang without the agent) are {@link #controlsHangAndTheAgentEndsEachWithinItsBound}'s.
     */
    @Test
    void jenkinsForkInAUrlClassLoaderUnderThePlatformLoader() throws Exception {
        String copy = "trilead-jenkins-217";
        List<Path> jars;
        try (Stream<Path> s = Files.list(Bench.libs().resolve(copy))) {
            jars = s.filter(p -> p.toString().endsWith(".jar")).map(Path::toAbsolutePath).sorted().collect(Collectors.toList());
        }
        OpenSshServer server = CUT.server();
        String command = ExecDeadlineTest.sleepForever();
        ForkedJvm.Builder b = ForkedJvm.builder("dev.lifeline.samples.TopologyApps").javaHome(Bench.defaultJdk())
                .classpath(Bench.sampleClasses().toAbsolutePath().toString())
                .sysprop("sample.libJars", TopologyTest.joined(jars)).sysprop("sample.execCommand", command)
                .echo("    [Topology/isolated/" + copy + "] ")
                .args(server.target("-", "trilead", "isolated"));
        try (ForkedJvm app = Bench.withAgent(b, "exec.timeout=3s,exec.killGrace=1s," + JschKeepaliveTest.KEEPALIVE_1S_X3).start()) {
            app.awaitLine(Pattern.compile("^READY idle"), STARTS_MS);
            String peer = server.host + ":" + server.port;
            String listed = SessionsCommandTest.sessionsUntil(app.pid(), o -> o.contains(" trilead " + peer));
            assertThat(listed).containsPattern("keepalive: every 1000ms x3 \\(Lifeline's keepalive@openssh.com\\)");
            AgentCli status = AgentCli.run("status", String.valueOf(app.pid()));
            assertThat(status.exit).as(status.output).isZero();
            assertThat(status.output).contains("every copy loaded is checked").containsPattern(
                    "(?m)^  trilead build217-jenkins-8 \\(com\\.trilead\\.ssh2\\) loader java\\.net\\.URLClassLoader.*: woven \\(\\d+ classes\\)$");
            long ms;
            try (PacketDrop drop = PacketDrop.on(server.port)) {
                long cut = System.nanoTime();
                app.awaitLine(Pattern.compile("^READY ended"), STARTS_MS);
                ms = (System.nanoTime() - cut) / 1_000_000L;
            }
            app.awaitExit(30_000);
            Map<String, String> r = app.result();
            List<String> err = app.stderr();
            assertThat(r).as(app.output()).containsEntry("status", "ok").containsEntry("loader", "java.net.URLClassLoader")
                    .containsEntry("tour_loader", "java.net.URLClassLoader");
            assertThat(r.get("exec_exit")).as("a timed-out command is not a success").isNotEqualTo("0");
            assertThat(Long.parseLong(r.get("exec_ms"))).isBetween(2900L, 7000L);
            assertThat(err).anyMatch(l -> l.contains("event=exec.deadline-fired") && l.contains("lib=trilead"));
            assertThat(ms).as("dead peer found after the cut (ms)").isLessThanOrEqualTo(TopologyTest.DEAD_PEER_BOUND_MS);
            assertThat(err).anyMatch(l -> l.contains("event=keepalive.declared-dead") && l.contains("lib=trilead"));
            assertThat(err).noneMatch(l -> l.contains("event=instrumentation.unsupported") || l.contains("internal.error")
                    || l.contains("level=error") || l.contains("NoClassDefFoundError"));
            System.out.println("    [Topology] trilead isolated: exec deadline " + r.get("exec_ms") + " ms, dead peer " + ms + " ms");
        } finally {
            ExecDeadlineTest.killRemote(command);
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("copies")
    void controlsHangAndTheAgentEndsEachWithinItsBound(String copy, Path jdk) throws Exception {
        requireJdk(jdk);
        assertThat(Bench.libs().resolve(copy)).as("copied by sample-apps/pom.xml (Jenkins' fork: from Debian's package)").isDirectory();
        String lib = "lib=" + copy.substring(0, copy.indexOf('-'));
        String marker = "30000." + (ProcessHandle.current().pid() % 10000) + copy.length();
        String sleep = "sleep " + marker;
        Map<String, ForkedJvm> controls = new LinkedHashMap<>();
        ForkedJvm exec = null;
        ForkedJvm idle = null;
        ForkedJvm works = null;
        ForkedJvm connect = null;
        ForkedJvm close = null;
        try (SilentListener silent = new SilentListener()) {
            String[] noBanner = {"127.0.0.1", String.valueOf(silent.port()), "nobody", "/nonexistent", "true"};
            controls.put("exec sleep forever", app(copy, jdk, LIVE.server().targetUnprivileged(sleep)).start());
            controls.put("idle read, peer cut", app(copy, jdk, CUT.server().target("idle")).start());
            controls.put("connect, no banner", app(copy, jdk, noBanner).start());
            controls.put("close, stuck writers, peer cut", closeApp(copy, jdk).start());
            close = Bench.withAgent(closeApp(copy, jdk), CloseDeadlineTest.CLOSE_2S).start();
            connect = Bench.withAgent(app(copy, jdk, noBanner), "connect.timeout=3s").start();
            exec = Bench.withAgent(app(copy, jdk, LIVE.server().targetUnprivileged(sleep)), "exec.timeout=3s,exec.killGrace=1s").start();
            idle = Bench.withAgent(app(copy, jdk, CUT.server().target("idle")), JschKeepaliveTest.KEEPALIVE_1S_X3).start();
            controls.get("exec sleep forever").awaitLine(Pattern.compile("^READY exec"), STARTS_MS);
            controls.get("idle read, peer cut").awaitLine(Pattern.compile("^READY idle"), STARTS_MS);
            exec.awaitLine(Pattern.compile("^READY exec"), STARTS_MS);
            idle.awaitLine(Pattern.compile("^READY idle"), STARTS_MS);
            close.awaitLine(Pattern.compile("^READY sessions"), STARTS_MS);
            controls.get("close, stuck writers, peer cut").awaitLine(Pattern.compile("^READY sessions"), STARTS_MS);
            connect.awaitExit(STARTS_MS);
            assertThat(connect.result().get("status")).isNotEqualTo("ok");
            assertThat(connect.stderr()).anyMatch(l -> l.contains("event=connect.deadline-fired") && l.contains(lib)
                    && l.contains("elapsed_ms=3"));
            // the sessions view: the connection, Lifeline's keepalive on it, its exec channel
            String peer = CUT.server().host + ":" + CUT.server().port;
            String name = lib.substring("lib=".length());
            String listed = SessionsCommandTest.sessionsUntil(idle.pid(), o -> o.contains(" " + name + " " + peer));
            assertThat(listed).containsPattern("keepalive: every 1000ms x3 \\(Lifeline's keepalive@openssh.com\\), probes outstanding \\d")
                    .containsPattern("(?m)^   channel exec ");
            long cut;
            try (PacketDrop drop = PacketDrop.on(CUT.server().port)) {
                cut = System.nanoTime();
                close.send("close");
                controls.get("close, stuck writers, peer cut").send("close");
                idle.awaitLine(Pattern.compile("^RESULT "), STARTS_MS);
                long idleMs = (System.nanoTime() - cut) / 1_000_000L;
                Measurements.record("keepalive 1s x3, idle read on a cut peer, " + copy, idleMs);
                assertThat(idleMs).as("declared dead within 1 s x (3 + 1) + 2 s").isLessThanOrEqualTo(JschKeepaliveTest.BOUND_MS);
                assertThat(idle.result().get("status")).isNotEqualTo("ok");
                assertThat(idle.stderr()).anyMatch(l -> l.contains("event=keepalive.declared-dead") && l.contains(lib));

                exec.awaitExit(STARTS_MS);
                Map<String, String> r = exec.result();
                long execMs = Long.parseLong(r.get("exec_ms"));
                Measurements.record("exec.timeout=3s, sleep forever, " + copy, execMs);
                assertThat(r.get("status")).as("a timed-out command is not a success").isNotEqualTo("ok");
                assertThat(r.get("exit")).isNotEqualTo("0");
                assertThat(execMs).isBetween(2900L, 7000L);
                assertThat(exec.stderr()).anyMatch(l -> l.contains("event=exec.deadline-fired") && l.contains(lib));

                close.awaitLine(Pattern.compile("^READY stalled"), STARTS_MS);
                close.awaitLine(Pattern.compile("^RESULT "), STARTS_MS);
                long closeMs = Long.parseLong(close.result().get("close_ms"));
                Measurements.record("close.timeout=2s, Connection.close() with stuck writers, " + copy, closeMs);
                assertThat(Integer.parseInt(close.result().get("in_socket_write"))).as("writers stuck in the kernel").isPositive();
                assertThat(closeMs).isBetween(1900L, 4000L);
                // the deadline's line may come a moment after the app's RESULT (seen once under load): waited for
                ForkedJvm closeApp = close;
                await().atMost(Duration.ofSeconds(10)).until(() -> closeApp.stderr().stream()
                        .anyMatch(l -> l.contains("event=close.deadline-fired") && l.contains(lib)));
                controls.get("close, stuck writers, peer cut").awaitLine(Pattern.compile("^READY stalled in_socket_write=[1-9]"), STARTS_MS);
                await().during(Duration.ofSeconds(Math.max(1, HANGS_S - (System.nanoTime() - cut) / 1_000_000_000L)))
                        .atMost(Duration.ofSeconds(HANGS_S + 5)).untilAsserted(() -> {
                    for (Map.Entry<String, ForkedJvm> e : controls.entrySet()) {
                        assertThat(e.getValue().isAlive()).as(e.getKey() + " (no agent) still blocked; it printed: "
                                + e.getValue().resultLine()).isTrue();
                    }
                });
            }
            controls.values().forEach(ForkedJvm::close);
            // with the agent, a plain exec still works and is configured (run last: six JVMs starting at once are slow)
            works = Bench.withAgent(app(copy, jdk, LIVE.server().target("echo hi")), "mode=enforce").start();
            works.awaitExit(STARTS_MS);
            assertThat(works.result()).containsEntry("status", "ok").containsEntry("exit", "0").containsEntry("out", "hi");
            assertThat(works.stderr()).anyMatch(l -> l.contains("event=session.configured") && l.contains(lib));
        } finally {
            controls.values().forEach(ForkedJvm::close);
            for (ForkedJvm j : new ForkedJvm[]{works, exec, idle, connect, close}) {
                if (j != null) {
                    j.close();
                }
            }
            ExecDeadlineTest.killRemote(marker);
        }
    }
}
