package dev.lifeline.bench;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the kernel says about client sockets to a server port, read from outside the JVM with {@code ss -tnoi}. */
final class SocketStates {
    private SocketStates() {
    }

    /**
     * Established client sockets only: sockets of apps an earlier test cut off may linger (FIN-WAIT, retransmitting)
     * on the same server port and must not count.
     */
    static String ss(int serverPort) throws Exception {
        return OpenSshServer.run("ss", "-tnoi", "state", "established", "dport = :" + serverPort);
    }

    /**
     * Exactly one client socket carries a keepalive timer matching {@code secondsPattern}. ss shows one timer per
     * socket, so this waits for a moment when no retransmission timer hides the keepalive one.
     */
    static void awaitOneKeepaliveTimer(int serverPort, String secondsPattern) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String ss = ss(serverPort);
            assertThat(ss.lines().filter(l -> l.contains("timer:(keepalive,")).count()).as(ss).isEqualTo(1);
            assertThat(ss).containsPattern("timer:\\(keepalive," + secondsPattern + "sec");
        });
    }

    /**
     * The connection is idle as TCP sees it: keepalive timer running, nothing unacknowledged. TCP keepalive probes
     * only such a connection; with data in flight the kernel retransmits instead, for up to ~15 minutes.
     */
    static void awaitQuiet(int serverPort) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String ss = ss(serverPort);
            assertThat(ss).as(ss).contains("timer:(keepalive,").doesNotContain("timer:(on,");
        });
    }
}
