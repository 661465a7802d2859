package dev.lifeline.bench;

import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 23: JSch in a class loader that does not delegate to the system class path, against OpenSSH with
 * {@code exec.timeout=3s} and {@code sleep 30000} as an unprivileged user. Lifeline used to leave such a library
 * unchanged ({@code instrumentation.unsupported}, "its class loader cannot see the agent"); now woven code reaches it
 * through the bootstrap bridge ({@code BootBridge}), and OSGi frameworks delegate the bridge's package to the boot
 * loader ({@code BootDelegation}), with every framework setting at its default. One forked JVM per topology:
 * <ul>
 * <li>a {@code URLClassLoader} whose parent is the platform loader;</li>
 * <li>Eclipse Equinox 3.21.0 with the mwiede JSch jar installed as a bundle (its own OSGi headers);</li>
 * <li>Apache Felix 7.0.5, the same bundle.</li>
 * </ul>
 * Each: the exec deadline ends the command at about 3 s, the session is counted, the bridge was made once, and no
 * error. The controls are the same runs with the agent of main before this change (see the README's support table):
 * they ran {@code sleep 30000} on with one {@code instrumentation.unsupported} line (URLClassLoader, Equinox).
 */
class IsolatedLoaderTest {
    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().build();

    private static ForkedJvm.Builder app(String scenario, String command, String... classpath) throws Exception {
        ForkedJvm.Builder b = ForkedJvm.builder("dev.lifeline.samples.ClassLoaderApps")
                .javaHome(Bench.defaultJdk())
                .classpath(Bench.sampleClasses().toAbsolutePath().toString())
                .classpath(classpath)
                .sysprop("sample.counters", "true")
                .sysprop("sample.jschJars", ClassLoaderTest.jschJar().toString())
                .args(SSHD.server().targetUnprivileged(command, scenario))
                .echo("    [ClassLoaderApps/" + scenario + "] ");
        return Bench.withAgent(b, "exec.timeout=3s");
    }

    /**
     * The deadline ended the command, the session was Lifeline's, nothing failed; through the bridge (one jar appended
     * to the bootstrap search) or, when JSch's loader resolves Lifeline's own hook class, without one.
     */
    private static Map<String, String> assertProtected(ForkedJvm app, boolean throughTheBridge) throws Exception {
        app.awaitExit(30_000);
        Map<String, String> r = app.result();
        List<String> err = app.stderr();
        assertThat(r.get("status")).as(app.output()).isEqualTo("ok");
        assertThat(r.get("exit")).as("exit: ended by the deadline, not a success").isEqualTo("-1");
        long ms = Long.parseLong(r.get("exec_ms"));
        assertThat(ms).isBetween(2900L, 5000L);
        assertThat(err).anyMatch(l -> l.contains("event=exec.deadline-fired") && l.contains("reason=exec.timeout"));
        List<String> bridges = err.stream().filter(l -> l.contains("event=instrumentation.bridge")).collect(Collectors.toList());
        assertThat(bridges).hasSize(throughTheBridge ? 1 : 0);
        if (throughTheBridge) {
            assertThat(bridges.get(0)).contains("library=com.jcraft.jsch");
        }
        assertThat(err).noneMatch(l -> l.contains("event=instrumentation.unsupported") || l.contains("internal.error")
                || l.contains("level=error") || l.contains("NoClassDefFoundError"));
        assertThat(r).containsEntry("lifeline_visible", String.valueOf(!throughTheBridge)).containsEntry("lifeline_internalErrors", "0")
                .containsEntry("lifeline_sessionsSeen", "1");
        return r;
    }

    @Test
    void urlClassLoaderUnderThePlatformLoader() throws Exception {
        String command = ExecDeadlineTest.sleepForever();
        try (ForkedJvm app = app("isolated", command).start()) {
            assertThat(assertProtected(app, true)).containsEntry("loader", "java.net.URLClassLoader");
        } finally {
            ExecDeadlineTest.killRemote(command);
        }
    }

    /** Equinox delegates only {@code java.*} to its parent by default: its check is hooked for the bridge's package. */
    @Test
    void jschBundleInEquinox() throws Exception {
        String command = ExecDeadlineTest.sleepForever();
        String equinox = ClassLoaderTest.onlyJar("equinox-3.21.0").toString();
        try (ForkedJvm app = app("osgi", command, equinox).start()) {
            assertThat(assertProtected(app, true)).containsEntry("framework", "org.eclipse.osgi.launch.Equinox")
                    .containsEntry("loader", "org.eclipse.osgi.internal.loader.EquinoxClassLoader")
                    .containsEntry("bridge_visible", "true");
        } finally {
            ExecDeadlineTest.killRemote(command);
        }
    }

    @Test
    void jschBundleInFelix() throws Exception {
        String command = ExecDeadlineTest.sleepForever();
        String felix = ClassLoaderTest.onlyJar("felix-7.0.5").toString();
        try (ForkedJvm app = app("osgi", command, felix).start()) {
            assertThat(assertProtected(app, false)).containsEntry("framework", "org.apache.felix.framework.Felix")
                    .containsEntry("loader", "org.apache.felix.framework.BundleWiringImpl$BundleClassLoader");
        } finally {
            ExecDeadlineTest.killRemote(command);
        }
    }
}
