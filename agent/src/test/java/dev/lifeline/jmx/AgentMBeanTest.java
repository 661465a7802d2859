package dev.lifeline.jmx;

import dev.lifeline.report.Counters;
import dev.lifeline.config.Config;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.ReflectionException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The MBeans on a private MBean server, against a fake runtime. */
class AgentMBeanTest {
    @TempDir
    Path dir;

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private Jmx jmx;

    @AfterEach
    void unregister() {
        if (jmx != null) {
            jmx.unregister();
        }
    }

    static class FakeRuntime implements AgentMBean.Runtime {
        volatile Config config;
        String lastMode;

        FakeRuntime(Config config) {
            this.config = config;
        }

        @Override
        public Config config() {
            return config;
        }

        @Override
        public boolean active() {
            return true;
        }

        @Override
        public String version() {
            return "1.2.3";
        }

        @Override
        public int pendingDeadlines() {
            return 4;
        }

        @Override
        public int watchedExecChannels() {
            return 2;
        }

        @Override
        public String reload() {
            return "ok: reloaded";
        }

        @Override
        public String setMode(String mode) {
            lastMode = mode;
            return "ok: mode=" + mode;
        }
    }

    private Config load(String... lines) throws Exception {
        Path f = dir.resolve("lifeline.properties");
        Files.write(f, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        Config c = Config.load(f.toString(), Map.of(), Map.of());
        assertThat(c.errors()).isEmpty();
        return c;
    }

    @Test
    void exposesEveryCounterAndTheConfigurationReadOnly() throws Exception {
        Config c = load("mode = enforce", "host.prod.match = *.prod 10.0.0.0/8", "host.prod.keepalive.interval = 5s");
        jmx = Jmx.register(server, new FakeRuntime(c), false);
        assertThat(jmx).isNotNull();
        ObjectName agent = new ObjectName("lifeline:type=Agent");
        Counters.increment(Counters.Counter.SESSIONS_SEEN);
        for (Counters.Counter counter : Counters.Counter.values()) {
            assertThat(server.getAttribute(agent, counter.attribute)).isEqualTo(counter.get());
        }
        assertThat((Long) server.getAttribute(agent, "sessionsSeen")).isPositive();
        assertThat(server.getAttribute(agent, "Mode")).isEqualTo("enforce");
        assertThat(server.getAttribute(agent, "Active")).isEqualTo(true);
        assertThat(server.getAttribute(agent, "ConfigFile")).isEqualTo(c.file());
        assertThat(server.getAttribute(agent, "RuleCount")).isEqualTo(1);
        assertThat(server.getAttribute(agent, "Version")).isEqualTo("1.2.3");
        assertThat(server.getAttribute(agent, "PendingDeadlines")).isEqualTo(4);
        assertThat(server.getAttribute(agent, "WatchedExecChannels")).isEqualTo(2);
        assertThat((String) server.getAttribute(agent, "EffectiveConfiguration"))
                .contains("mode=enforce (" + c.file() + ":1)\n")
                .contains("keepalive.interval=15s (default)\n")
                .contains("log.file= (default)\n")
                .contains("host.prod.match=*.prod 10.0.0.0/8 (" + c.file() + ":2)\n")
                .contains("host.prod.keepalive.interval=5s (" + c.file() + ":3)\n");
        assertThat(Arrays.stream(server.getMBeanInfo(agent).getAttributes())).allMatch(a -> a.isReadable() && !a.isWritable());
        assertThat(server.getMBeanInfo(agent).getOperations()).isEmpty();
        assertThatThrownBy(() -> server.invoke(agent, "reload", new Object[0], new String[0]))
                .isInstanceOf(ReflectionException.class);

        ObjectName rule = new ObjectName("lifeline:type=Rule,name=prod");
        assertThat(server.getAttribute(rule, "Name")).isEqualTo("prod");
        assertThat(server.getAttribute(rule, "Match")).isEqualTo("*.prod 10.0.0.0/8");
        assertThat(server.getAttribute(rule, "keepalive.interval")).isEqualTo("5s");
        assertThat(server.getAttribute(rule, "mode")).isEqualTo("");
        assertThat(server.getAttribute(rule, "Settings")).isEqualTo("keepalive.interval=5s (" + c.file() + ":3)\n");
    }

    @Test
    void operationsExistOnlyWhenWritable() throws Exception {
        FakeRuntime runtime = new FakeRuntime(Config.defaults());
        jmx = Jmx.register(server, runtime, true);
        ObjectName agent = new ObjectName("lifeline:type=Agent");
        assertThat(server.getMBeanInfo(agent).getOperations()).extracting(MBeanOperationInfo::getName)
                .containsExactly("reload", "setMode");
        assertThat(server.invoke(agent, "reload", new Object[0], new String[0])).isEqualTo("ok: reloaded");
        assertThat(server.invoke(agent, "setMode", new Object[]{"audit"}, new String[]{String.class.getName()}))
                .isEqualTo("ok: mode=audit");
        assertThat(runtime.lastMode).isEqualTo("audit");
    }

    @Test
    void ruleMBeansFollowTheConfiguration() throws Exception {
        FakeRuntime runtime = new FakeRuntime(load("host.a.match = a*", "host.b.match = b*"));
        jmx = Jmx.register(server, runtime, false);
        assertThat(server.queryNames(new ObjectName("lifeline:type=Rule,*"), null)).extracting(n -> n.getKeyProperty("name"))
                .containsExactlyInAnyOrder("a", "b");
        Config next = load("host.c.match = c*");
        runtime.config = next;
        jmx.rulesChanged(next);
        assertThat(server.queryNames(new ObjectName("lifeline:type=Rule,*"), null)).extracting(n -> n.getKeyProperty("name"))
                .containsExactly("c");
        assertThat(server.getAttribute(new ObjectName("lifeline:type=Agent"), "RuleCount")).isEqualTo(1);
    }

    @Test
    void aSecondRegistrationFailsWithAWarningNotAnException() {
        jmx = Jmx.register(server, new FakeRuntime(Config.defaults()), false);
        assertThat(Jmx.register(server, new FakeRuntime(Config.defaults()), false)).isNull();
    }

    @Test
    void registersAtOnceOnlyWhenTheJvmsOwnJmxAgentIsConfigured() {
        java.util.Properties p = new java.util.Properties();
        assertThat(Jmx.registrationDelay(p)).isEqualTo(Jmx.DELAY_MILLIS);
        p.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        assertThat(Jmx.registrationDelay(p)).isEqualTo(Jmx.APP_SERVER_DELAY_MILLIS);
        p.setProperty("com.sun.management.jmxremote.port", "9999");
        assertThat(Jmx.registrationDelay(p)).isZero();
    }

    /** Issue 13: a disabled agent's MBean says why and shows no configuration as if it were in effect. */
    @Test
    void aDisabledAgentShowsItsStateReasonAndErrors() throws Exception {
        Config c = load("mode = enforce");
        FakeRuntime disabled = new FakeRuntime(c) {
            @Override
            public boolean active() {
                return false;
            }

            @Override
            public String state() {
                return "disabled";
            }

            @Override
            public String stateReason() {
                return "invalid configuration: 2 errors";
            }

            @Override
            public String configErrors() {
                return "f:1: a\nf:2: b";
            }

            @Override
            public String lastReload() {
                return "2026-01-01T00:00:00Z rejected: 2 errors; the agent stays disabled";
            }

            @Override
            public boolean configured() {
                return false;
            }

            @Override
            public String configFile() {
                return "/etc/lifeline.properties";
            }
        };
        jmx = Jmx.register(server, disabled, false);
        ObjectName agent = new ObjectName("lifeline:type=Agent");
        assertThat(server.getAttribute(agent, "State")).isEqualTo("disabled");
        assertThat(server.getAttribute(agent, "StateReason")).isEqualTo("invalid configuration: 2 errors");
        assertThat(server.getAttribute(agent, "ConfigErrors")).isEqualTo("f:1: a\nf:2: b");
        assertThat((String) server.getAttribute(agent, "LastReload")).endsWith("rejected: 2 errors; the agent stays disabled");
        assertThat(server.getAttribute(agent, "Mode")).isEqualTo("off");
        assertThat(server.getAttribute(agent, "RuleCount")).isEqualTo(0);
        assertThat(server.getAttribute(agent, "EffectiveConfiguration")).isEqualTo("");
        assertThat(server.getAttribute(agent, "ConfigFile")).isEqualTo("/etc/lifeline.properties");
        assertThat(java.util.Arrays.stream(server.getMBeanInfo(agent).getAttributes()).map(a -> a.getName()))
                .contains("State", "StateReason", "ConfigErrors", "LastReload", "ConfigFile", "Version", "Mode",
                        "EffectiveConfiguration", "internalErrors", "actionsDropped");

        long errors = Counters.Counter.INTERNAL_ERRORS.get();
        assertThat(Jmx.register(server, disabled, false)).as("already registered").isNull();
        assertThat(Counters.Counter.INTERNAL_ERRORS.get() - errors).isEqualTo(1);
    }
}
