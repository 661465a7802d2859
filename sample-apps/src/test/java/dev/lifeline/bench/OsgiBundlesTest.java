package dev.lifeline.bench;

import dev.lifeline.bench.TopologyTest.Lib;
import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 23: Apache MINA SSHD and sshj as OSGi bundles, each in Eclipse Equinox 3.21.0 and Apache Felix 7.0.5 started
 * with their defaults (no boot delegation set by the operator), {@link TopologyTest}'s tour in each (connect deadline to
 * a silent listener, the session listed by {@code sessions PID}, the peer cut with nft declared dead by keepalive
 * 1 s × 3, the library copy woven: no {@code instrumentation.unsupported}).
 * <ul>
 * <li>MINA: {@code sshd-osgi} (sshd-common and sshd-core in one bundle, the artifact OSGi users and JGit take), with
 * slf4j-api and slf4j-nop 1.7 as bundles (slf4j-api 2.x requires an OSGi service loader mediator, SPI Fly, to
 * resolve).</li>
 * <li>sshj: its own jar is a bundle, as are BouncyCastle's (all at 1.80: bcutil 1.80.2, which Maven resolves for sshj,
 * imports bcprov's packages at 1.80.2 and does not resolve beside bcprov 1.80); asn-one has no OSGi headers, so {@link WrappedBundle}
 * gives it a plain manifest here (its packages exported, {@code org.slf4j} imported).</li>
 * </ul>
 * By default one framework per library (MINA in Equinox, which reaches Lifeline through the bootstrap bridge; sshj in
 * Felix, whose implicit boot delegation reaches Lifeline's own hook classes); {@code -Dlifeline.tests=full} (or
 * {@code -Dlifeline.test.osgiAll=true}) runs the other two. Nothing in the agent was needed for these bundles: the
 * bridge and the frameworks' delegation of a request from outside any bundle (see {@code architecture.md}) reach them
 * as they reach JSch's. The controls without the agent are {@link TopologyTest}'s; the control on the other side (a
 * framework set to refuse that delegation leaves the library unchanged, with one line) is
 * {@link #sshjBundleThatCannotReachLifelineIsLeftUnchangedWithOneLine}.
 *
 * <p>The methods share one server and cut its port in turn: they run one at a time within the class.
 */
@Execution(ExecutionMode.SAME_THREAD)
class OsgiBundlesTest {
    static final String EQUINOX = "equinox-3.21.0";
    static final String FELIX = "felix-7.0.5";
    static final String EQUINOX_LOADER = "org.eclipse.osgi.internal.loader.EquinoxClassLoader";
    static final String FELIX_LOADER = "org.apache.felix.framework.BundleWiringImpl$BundleClassLoader";

    static final boolean ALL = Bench.fullSuite() || Boolean.getBoolean("lifeline.test.osgiAll");

    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().requires(PacketDrop::available, "needs root and nft").build();

    @TempDir
    static Path dir;

    @Test
    void minaBundleInEquinox() throws Exception {
        assertTour(Lib.MINA, minaBundles(), EQUINOX, "org.eclipse.osgi.launch.Equinox", EQUINOX_LOADER);
    }

    @Test
    void sshjBundleInFelix() throws Exception {
        assertTour(Lib.SSHJ, sshjBundles(), FELIX, "org.apache.felix.framework.Felix", FELIX_LOADER);
    }

    @Test
    void minaBundleInFelix() throws Exception {
        assumeTrue(ALL, "one framework per library by default; -Dlifeline.tests=full or -Dlifeline.test.osgiAll=true runs this");
        assertTour(Lib.MINA, minaBundles(), FELIX, "org.apache.felix.framework.Felix", FELIX_LOADER);
    }

    @Test
    void sshjBundleInEquinox() throws Exception {
        assumeTrue(ALL, "one framework per library by default; -Dlifeline.tests=full or -Dlifeline.test.osgiAll=true runs this");
        assertTour(Lib.SSHJ, sshjBundles(), EQUINOX, "org.eclipse.osgi.launch.Equinox", EQUINOX_LOADER);
    }

    /**
     * The control on the other side: an operator turned off what makes Lifeline reachable from a bundle (the
     * framework's delegation of a class asked for from outside any bundle: Equinox {@code osgi.context.bootdelegation},
     * Felix {@code felix.bootdelegation.implicit}). Neither the hooks nor the bridge can be reached, so the library is
     * left unchanged with one {@code instrumentation.unsupported} line for its copy, and the app runs as without the
     * agent (no network: making a client loads the classes Lifeline would weave). sshj in Felix by default.
     */
    @Test
    void sshjBundleThatCannotReachLifelineIsLeftUnchangedWithOneLine() throws Exception {
        assertUnchanged(Lib.SSHJ, sshjBundles(), FELIX, "felix.bootdelegation.implicit=false", "net.schmizz.sshj");
    }

    @Test
    void minaBundleThatCannotReachLifelineIsLeftUnchangedWithOneLine() throws Exception {
        assumeTrue(ALL, "one framework per library by default; -Dlifeline.tests=full or -Dlifeline.test.osgiAll=true runs this");
        assertUnchanged(Lib.MINA, minaBundles(), EQUINOX, "osgi.context.bootdelegation=false", "org.apache.sshd");
    }

    private static void assertUnchanged(Lib lib, List<Path> bundles, String framework, String setting, String library) throws Exception {
        ForkedJvm.Builder b = Bench.withAgent(ForkedJvm.builder("dev.lifeline.samples.OsgiBundleLoad").javaHome(Bench.defaultJdk())
                .classpath(Bench.sampleClasses().toAbsolutePath().toString(), ClassLoaderTest.onlyJar(framework).toString())
                .sysprop("sample.libJars", TopologyTest.joined(bundles)).sysprop("sample.libClass", lib.mainClass)
                .sysprop("sample.osgi", setting).echo("    [OsgiBundleLoad/" + framework + "/" + lib.arg() + "] "), TopologyTest.AGENT_ARGS);
        try (ForkedJvm app = b.start()) {
            app.awaitExit(60_000);
            Map<String, String> r = app.result();
            List<String> err = app.stderr();
            assertThat(r.get("status")).as(app.output()).isEqualTo("ok");
            assertThat(r).containsEntry("settings", setting);
            List<String> unsupported = err.stream().filter(l -> l.contains("event=instrumentation.unsupported")).collect(Collectors.toList());
            assertThat(unsupported).as(String.join("\n", err)).hasSize(1);
            assertThat(unsupported.get(0)).contains("library=" + library).contains("cannot see the agent");
            assertThat(err).noneMatch(l -> l.contains("internal.error") || l.contains("level=error") || l.contains("NoClassDefFoundError"));
        }
    }

    private static void assertTour(Lib lib, List<Path> bundles, String framework, String frameworkClass, String loader) throws Exception {
        Map<String, String> r = TopologyTest.tour(SSHD.server(),
                TopologyTest.topologyApp(framework.replaceAll("-.*", ""), lib, ClassLoaderTest.onlyJar(framework).toString())
                        .sysprop("sample.libJars", TopologyTest.joined(bundles)).sysprop("sample.libClass", lib.mainClass),
                lib, new String[0], lib.arg(), "osgi");
        assertThat(r).containsEntry("framework", frameworkClass).containsEntry("loader", loader);
    }

    /** The library's bundle first (the app loads the library's class from the first), then what it imports. */
    static List<Path> minaBundles() throws Exception {
        List<Path> bundles = new ArrayList<>();
        bundles.add(ClassLoaderTest.onlyJar("sshd-osgi-" + Versions.SSHD));
        bundles.addAll(slf4jBundles());
        return bundles;
    }

    static List<Path> sshjBundles() throws Exception {
        List<Path> bundles = new ArrayList<>();
        List<Path> set = Lib.SSHJ.jars();
        bundles.add(only(set, "sshj-"));
        bundles.add(only(set, "bcprov-"));
        bundles.add(ClassLoaderTest.onlyJar("osgi-bcutil-1.80")); // the set's 1.80.2 needs bcprov 1.80.2's packages
        bundles.add(only(set, "bcpkix-"));
        bundles.add(WrappedBundle.wrap(only(set, "asn-one-"), "com.hierynomus.asn-one", "org.slf4j", dir));
        bundles.addAll(slf4jBundles());
        return bundles;
    }

    /** slf4j-api and slf4j-nop 1.7 (their jars are bundles; slf4j-nop exports the {@code org.slf4j.impl} slf4j-api imports). */
    private static List<Path> slf4jBundles() throws Exception {
        Path d = Bench.libs().resolve("osgi-slf4j-1.7.36");
        try (Stream<Path> s = Files.list(d)) {
            List<Path> jars = s.filter(p -> p.toString().endsWith(".jar")).map(Path::toAbsolutePath).sorted().collect(Collectors.toList());
            assertThat(jars).as("jars in " + d).hasSize(2);
            return jars;
        }
    }

    private static Path only(List<Path> jars, String prefix) {
        List<Path> matching = new ArrayList<>();
        for (Path j : jars) {
            if (j.getFileName().toString().startsWith(prefix)) {
                matching.add(j);
            }
        }
        assertThat(matching).as(prefix + "* in " + jars).hasSize(1);
        return matching.get(0);
    }
}
