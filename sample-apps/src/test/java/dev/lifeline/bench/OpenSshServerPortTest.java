package dev.lifeline.bench;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The port race of {@link OpenSshServer#freePort()}: it lets go of the port before sshd binds it, so another process
 * can take it in between. The server start then tries another port instead of failing the test.
 */
class OpenSshServerPortTest {
    @BeforeAll
    static void needsSshd() {
        Requirements.require(OpenSshServer.available(), "needs /usr/sbin/sshd (Debian: apt-get install openssh-server)");
    }

    @Test
    void aPortTakenBeforeSshdBindsItIsReplacedByAnother() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> OpenSshServer.builder().port(port).start()).as("the fault is real: sshd cannot bind it")
                    .hasStackTraceContaining("Address already in use");
            try (OpenSshServer server = OpenSshServer.builder().portsFirst(port).start()) {
                assertThat(server.port).isNotEqualTo(port);
                assertThat(server.log()).contains("Server listening on 127.0.0.1 port " + server.port);
            }
        }
    }
}
