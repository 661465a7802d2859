package dev.lifeline;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A live JVM with the agent and the JDK's JMX agent on a free loopback port: the MBeans are read and (with
 * {@code jmx.writable=true}) operated from this JVM over RMI, as jconsole or a Prometheus exporter would.
 */
class JmxIT {
    private static final ObjectName AGENT = name("lifeline:type=Agent");

    @TempDir
    Path dir;

    private ForkedJvm child;
    private JMXConnector connector;

    private static ObjectName name(String s) {
        try {
            return new ObjectName(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (connector != null) {
            connector.close();
        }
        if (child != null) {
            child.close(); // end of stdin: StayAlive returns
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Path write(String name, String... lines) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        return f;
    }

    private String stderr() throws IOException {
        return Files.readString(dir.resolve("stderr.txt"));
    }

    /** Starts the app with the agent and connects; waits (Awaitility) for the port and the MBean. */
    private MBeanServerConnection start(Path config) throws Exception {
        return start(config, "dev.lifeline.hello.StayAlive");
    }

    private MBeanServerConnection start(Path config, String main) throws Exception {
        int port = freePort();
        child = ForkedJvm.builder(main).agentArgs(config.toString())
                .jvmArgs("-Dcom.sun.management.jmxremote.port=" + port,
                        "-Dcom.sun.management.jmxremote.rmi.port=" + port,
                        "-Dcom.sun.management.jmxremote.host=127.0.0.1",
                        "-Djava.rmi.server.hostname=127.0.0.1",
                        "-Dcom.sun.management.jmxremote.authenticate=false",
                        "-Dcom.sun.management.jmxremote.ssl=false")
                .keepStdin().outputIn(dir).start();
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
        await("JMX connection and " + AGENT).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> {
                    assertThat(child.isAlive()).as("child alive; stderr: %s", stderr()).isTrue();
                    if (connector == null) {
                        connector = JMXConnectorFactory.connect(url);
                    }
                    return connector.getMBeanServerConnection().isRegistered(AGENT);
                });
        return connector.getMBeanServerConnection();
    }

    @Test
    void countersModeAndConfigurationAreReadableAndNothingIsWritableByDefault() throws Exception {
        Path config = write("lifeline.properties", "host.prod.match = *.prod.example.com", "host.prod.keepalive.interval = 5s");
        MBeanServerConnection jmx = start(config);

        for (String counter : List.of("sessionsSeen", "sessionsChanged", "keepaliveDeclaredDead", "execDeadlinesTerm",
                "execDeadlinesKill", "closeDeadlinesFired", "connectDeadlinesFired", "internalErrors")) {
            assertThat(jmx.getAttribute(AGENT, counter)).as(counter).isEqualTo(0L);
        }
        assertThat(jmx.getAttribute(AGENT, "Mode")).isEqualTo("fill");
        assertThat(jmx.getAttribute(AGENT, "Active")).isEqualTo(true);
        assertThat(jmx.getAttribute(AGENT, "ConfigFile")).isEqualTo(config.toString());
        assertThat(jmx.getAttribute(AGENT, "RuleCount")).isEqualTo(1);
        assertThat(jmx.getAttribute(AGENT, "PendingDeadlines")).isEqualTo(0);
        assertThat(jmx.getAttribute(AGENT, "WatchedExecChannels")).isEqualTo(0);
        assertThat((String) jmx.getAttribute(AGENT, "Version")).isNotEmpty();
        assertThat((String) jmx.getAttribute(AGENT, "EffectiveConfiguration")).contains("mode=fill (default)")
                .contains("host.prod.keepalive.interval=5s (" + config + ":2)");
        ObjectName rule = name("lifeline:type=Rule,name=prod");
        assertThat(jmx.getAttribute(rule, "Match")).isEqualTo("*.prod.example.com");
        assertThat(jmx.getAttribute(rule, "keepalive.interval")).isEqualTo("5s");

        assertThat(jmx.getMBeanInfo(AGENT).getOperations()).isEmpty();
        assertThatThrownBy(() -> jmx.invoke(AGENT, "reload", new Object[0], new String[0]))
                .isInstanceOf(javax.management.ReflectionException.class);
        assertThat(jmx.getAttribute(AGENT, "State")).isEqualTo("active");
        assertThat(jmx.getAttribute(AGENT, "StateReason")).isEqualTo("");
        assertThat(jmx.getAttribute(AGENT, "ConfigErrors")).isEqualTo("");
        assertThat(jmx.getAttribute(AGENT, "LastReload")).isEqualTo("");
        assertThat(stderr()).as("no SSH library loaded: nothing at info").doesNotContain("event=agent.started");
    }

    @Test
    void reloadAndSetModeWhenWritableAndABadFileIsRejectedWhole() throws Exception {
        Path log = dir.resolve("lifeline.log");
        String common = "jmx.writable = true\nlog.file = " + log;
        Path config = write("lifeline.properties", common);
        MBeanServerConnection jmx = start(config);
        assertThat(jmx.getAttribute(AGENT, "Mode")).isEqualTo("fill");
        assertThat(jmx.getMBeanInfo(AGENT).getOperations()).extracting(o -> o.getName())
                .containsExactlyInAnyOrder("reload", "setMode");

        write("lifeline.properties", common, "mode = off", "host.lab.match = *.lab");
        Object ok = jmx.invoke(AGENT, "reload", new Object[0], new String[0]);
        assertThat((String) ok).startsWith("ok: mode=off");
        assertThat(jmx.getAttribute(AGENT, "Mode")).isEqualTo("off");
        assertThat(jmx.getAttribute(AGENT, "Active")).isEqualTo(false);
        assertThat(jmx.isRegistered(name("lifeline:type=Rule,name=lab"))).isTrue();

        write("lifeline.properties", common, "mode = sometimes", "keepalive.interval = 15x");
        String rejected = (String) jmx.invoke(AGENT, "reload", new Object[0], new String[0]);
        assertThat(rejected).startsWith("rejected: 2 errors; the active configuration is kept")
                .contains(config + ":3: mode = \"sometimes\": not a mode")
                .contains(config + ":4: keepalive.interval = \"15x\"");
        assertThat(jmx.getAttribute(AGENT, "Mode")).isEqualTo("off");
        assertThat((String) jmx.getAttribute(AGENT, "LastReload"))
                .matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\S+Z rejected: 2 errors; the active configuration is kept\n.*");
        assertThat(jmx.getAttribute(AGENT, "State")).isEqualTo("off");
        assertThat(jmx.isRegistered(name("lifeline:type=Rule,name=lab"))).isTrue();

        assertThat((String) jmx.invoke(AGENT, "setMode", new Object[]{"audit"}, new String[]{String.class.getName()}))
                .startsWith("ok: mode=audit");
        assertThat(jmx.getAttribute(AGENT, "Mode")).isEqualTo("audit");
        assertThat((String) jmx.getAttribute(AGENT, "EffectiveConfiguration")).contains("mode=audit (JMX setMode)");
        assertThat((String) jmx.invoke(AGENT, "setMode", new Object[]{"loud"}, new String[]{String.class.getName()}))
                .startsWith("rejected: mode = \"loud\": not a mode");
        assertThat(jmx.getAttribute(AGENT, "Mode")).isEqualTo("audit");

        // everything went to log.file, timestamped; nothing to stderr
        String logged = Files.readString(log);
        assertThat(logged).containsPattern("(?m)^\\[lifeline] ts=\\S+Z level=info event=config.replaced via=reload mode=off "
                + "previous_mode=fill file=" + config + " rules=1$");
        assertThat(logged).contains("event=config.replaced via=reload mode=off")
                .contains("event=config.reload-rejected errors=2")
                .contains("event=config.replaced via=setMode mode=audit");
        assertThat(stderr()).doesNotContain("[lifeline]");
    }

    @Test
    void aJvmStartedWithModeOffIsInstrumentedWhenSwitchedOn() throws Exception {
        Path config = write("lifeline.properties", "mode = off", "jmx.writable = true");
        MBeanServerConnection jmx = start(config);
        assertThat(jmx.getAttribute(AGENT, "Active")).isEqualTo(false);
        assertThat((String) jmx.invoke(AGENT, "setMode", new Object[]{"fill"}, new String[]{String.class.getName()}))
                .isEqualTo("ok: mode=fill file=" + config + " rules=0; instrumentation installed now");
        assertThat(jmx.getAttribute(AGENT, "Active")).isEqualTo(true);
        assertThat(stderr()).contains("event=config.replaced via=setMode mode=fill previous_mode=off");
    }

    /** Issue 13: a JVM whose file was invalid at start shows why over JMX, and becomes active once the file is fixed. */
    @Test
    void aDisabledAgentShowsWhyAndBecomesActiveWhenTheFileIsFixed() throws Exception {
        Path config = write("lifeline.properties", "jmx.writable = true", "config.reloadInterval = 200ms",
                "mode = sometimes", "keepalive.interval = 15x");
        MBeanServerConnection jmx = start(config);
        assertThat(jmx.getAttribute(AGENT, "State")).isEqualTo("disabled");
        assertThat(jmx.getAttribute(AGENT, "StateReason")).isEqualTo("invalid configuration: 2 errors");
        assertThat(((String) jmx.getAttribute(AGENT, "ConfigErrors")).split("\n"))
                .containsExactly(config + ":3: mode = \"sometimes\": not a mode; accepted: fill, enforce, audit or off",
                        ((String) jmx.getAttribute(AGENT, "ConfigErrors")).split("\n")[1]);
        assertThat((String) jmx.getAttribute(AGENT, "ConfigErrors")).contains(config + ":4: keepalive.interval = \"15x\"");
        assertThat(jmx.getAttribute(AGENT, "Mode")).isEqualTo("off");
        assertThat(jmx.getAttribute(AGENT, "Active")).isEqualTo(false);
        assertThat(jmx.getAttribute(AGENT, "ConfigFile")).isEqualTo(config.toString());
        assertThat((String) jmx.getAttribute(AGENT, "Version")).isNotEmpty();
        assertThat(jmx.getAttribute(AGENT, "EffectiveConfiguration")).isEqualTo("");
        assertThat(jmx.getAttribute(AGENT, "internalErrors")).isEqualTo(0L);
        assertThat((String) jmx.invoke(AGENT, "setMode", new Object[]{"audit"}, new String[]{String.class.getName()}))
                .startsWith("rejected: the agent is disabled (invalid configuration: 2 errors)");
        assertThat(jmx.getAttribute(AGENT, "State")).isEqualTo("disabled");

        write("lifeline.properties", "jmx.writable = true", "config.reloadInterval = 200ms", "mode = enforce");
        await().atMost(Duration.ofSeconds(30)).until(() -> "active".equals(jmx.getAttribute(AGENT, "State")));
        assertThat(jmx.getAttribute(AGENT, "StateReason")).isEqualTo("");
        assertThat(jmx.getAttribute(AGENT, "ConfigErrors")).isEqualTo("");
        assertThat(jmx.getAttribute(AGENT, "Mode")).isEqualTo("enforce");
        assertThat(jmx.getAttribute(AGENT, "Active")).isEqualTo(true);
        assertThat((String) jmx.getAttribute(AGENT, "LastReload")).contains(" ok: mode=enforce file=" + config);
        assertThat((String) jmx.getAttribute(AGENT, "EffectiveConfiguration")).contains("mode=enforce (" + config + ":3)");
        assertThat(stderr()).containsOnlyOnce("event=agent.enabled via=reload mode=enforce file=" + config);
    }

    /**
     * Issue 13: a configuration file replaced by a FIFO blocks whoever reads it. That must be the config thread only:
     * deadlines keep firing on time and JMX setMode answers (it used to wait for the lock the reload held).
     */
    @Test
    void aConfigFileThatBlocksItsReaderHoldsUpNeitherDeadlinesNorJmx() throws Exception {
        Path config = write("lifeline.properties", "jmx.writable = true", "config.reloadInterval = 200ms");
        MBeanServerConnection jmx = start(config, "dev.lifeline.hello.DeadlineProbe");
        Files.delete(config);
        assertThat(new ProcessBuilder("mkfifo", config.toString()).start().waitFor()).isZero();

        // the fault is real: the reload is stuck opening the FIFO (or, with a loader that refuses FIFOs, rejected it)
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.newPlatformMXBeanProxy(
                jmx, java.lang.management.ManagementFactory.THREAD_MXBEAN_NAME, java.lang.management.ThreadMXBean.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> stuckReadingTheFile(threads)
                || stderr().contains("event=config.reload-rejected"));

        java.util.concurrent.ExecutorService caller = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            String result = caller.submit(() -> (String) jmx.invoke(AGENT, "setMode", new Object[]{"audit"},
                    new String[]{String.class.getName()})).get(10, TimeUnit.SECONDS);
            assertThat(result).startsWith("ok: mode=audit");
            assertThat(jmx.getAttribute(AGENT, "Mode")).isEqualTo("audit");
            assertThat(jmx.getAttribute(AGENT, "State")).isEqualTo("active");
            // a second reload cannot read the file either: it gives up instead of hanging the JMX caller
            String reload = caller.submit(() -> (String) jmx.invoke(AGENT, "reload", new Object[0], new String[0]))
                    .get(20, TimeUnit.SECONDS);
            assertThat(reload).startsWith("rejected:");
        } finally {
            caller.shutdownNow();
        }

        child.send("300");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(dir.resolve("stdout.txt")).contains("fired 300 after"));
        String fired = Files.readString(dir.resolve("stdout.txt")).replaceAll("(?s).*fired 300 after (\\d+) ms.*", "$1");
        assertThat(Long.parseLong(fired)).as("a 300 ms deadline fired on time").isBetween(300L, 2000L);
        assertThat(child.isAlive()).isTrue();
    }

    private static boolean stuckReadingTheFile(java.lang.management.ThreadMXBean threads) {
        for (java.lang.management.ThreadInfo t : threads.dumpAllThreads(false, false)) {
            if (t.getThreadName().equals("lifeline-config")) {
                for (StackTraceElement e : t.getStackTrace()) {
                    if (e.getClassName().startsWith("dev.lifeline.config.ConfigLoader")) {
                        return t.getStackTrace().length > 0 && t.getStackTrace()[0].isNativeMethod();
                    }
                }
            }
        }
        return false;
    }
}
