package dev.lifeline.jmx;

import dev.lifeline.config.Config;
import dev.lifeline.sessions.LibraryView;
import dev.lifeline.sessions.SshSessions;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The session gauges and the Sessions table on {@code lifeline:type=Agent}: JDK types, read when asked. */
class SessionGaugesTest {
    static final LibraryView VIEW = new LibraryView() {
        @Override
        public boolean isOpen(Object session) {
            return true;
        }

        @Override
        public String packagePrefix() {
            return "com.jcraft.jsch.";
        }
    };

    @Test
    void gaugesFollowTheOpenSessions() throws Exception {
        MBeanServer server = MBeanServerFactory.newMBeanServer();
        Jmx jmx = Jmx.register(server, new AgentMBeanTest.FakeRuntime(Config.defaults()), false);
        ObjectName agent = new ObjectName(AgentMBean.OBJECT_NAME);
        Object a = new Object();
        Object b = new Object();
        Object c = new Object();
        try {
            SshSessions.opened(a, "jsch", "db1", 22, VIEW);
            SshSessions.opened(b, "jsch", "db2", 22, VIEW);
            SshSessions.opened(c, "sshd", "git", 2222, VIEW);
            assertThat(server.getAttribute(agent, "SessionsOpenJsch")).isEqualTo(2);
            assertThat(server.getAttribute(agent, "SessionsOpenSshd")).isEqualTo(1);
            assertThat(server.getAttribute(agent, "SessionsOpenSshj")).isEqualTo(0);
            assertThat(server.getAttribute(agent, "SessionsOpenTrilead")).isEqualTo(0);
            assertThat(server.getAttribute(agent, "SessionsOpenGanymed")).isEqualTo(0);
            assertThat(server.getAttribute(agent, "ThreadsBlockedInSsh")).isEqualTo(0);
            await().until(() -> (Integer) server.getAttribute(agent, "OldestIdleSeconds") >= 1);
            SshSessions.packet(a);
            SshSessions.packet(b);
            SshSessions.packet(c);
            assertThat(server.getAttribute(agent, "OldestIdleSeconds")).isEqualTo(0);
            assertThat((String) server.getAttribute(agent, "Sessions")).startsWith("3 sessions open, 0 threads blocked")
                    .contains("#1 jsch db1:22").contains("#2 jsch db2:22").contains("#3 sshd git:2222");
        } finally {
            SshSessions.closed(a);
            SshSessions.closed(b);
            SshSessions.closed(c);
            jmx.unregister();
        }
        assertThat(SshSessions.open()).isZero();
    }
}
