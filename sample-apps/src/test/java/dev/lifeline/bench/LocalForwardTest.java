package dev.lifeline.bench;

import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 25, item 2: local port forwards of unchanged apps against real OpenSSH. (a) A forward whose target accepts and
 * goes silent ({@link SilentListener}) holds its client forever without {@code forward.idleTimeout}; with it at 2 s the
 * client's connection is closed, while one moving a byte every 500 ms stays open. (b) When the session's peer is
 * dropped and Lifeline's keepalive (1 s x 3) declares it dead, the forward's listener is closed, so a new client is
 * refused; without the agent it keeps accepting. The clients are this JVM's sockets; the apps only forward.
 */
class LocalForwardTest {
    static final long LIMIT_MS = 2000;
    /** Generous: the check runs 1 ms after the limit, the close on the action pool, on 2 busy cores. */
    static final long MARGIN_MS = 3000;
    /** Keepalive 1 s x 3: declared dead after about 4 s (interval x (countMax + 1)), plus 2 s. */
    static final long DEAD_BOUND_MS = 1000 * (3 + 1) + 2000;
    private static final Pattern READY = Pattern.compile("^READY forward port=(\\d+)");

    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().build();
    /** Its own server: the drop cuts every session to it. */
    @RegisterExtension
    static final OpenSshExtension DROPPED = OpenSshExtension.builder().requires(PacketDrop::available, "needs root and nft")
            .onDemand().build();

    private static ForkedJvm.Builder app(String name, String libraryDir, String agentArgs) {
        ForkedJvm.Builder b = Bench.app(name, libraryDir, Bench.defaultJdk());
        return agentArgs == null ? b : Bench.withAgent(b, agentArgs);
    }

    private static int forwardPort(ForkedJvm app) throws Exception {
        Matcher m = READY.matcher(app.awaitLine(READY, 30_000));
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** A client of the forward: this JVM's socket to the app's local port. */
    static final class Client implements AutoCloseable {
        final Socket socket;
        final long connectedNanos = System.nanoTime();
        private volatile Thread writer;
        private volatile boolean writeFailed;

        Client(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(100);
        }

        /** A byte every 500 ms, until closed: an active connection through the forward. */
        Client active() {
            Thread t = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    while (!socket.isClosed()) {
                        out.write('x');
                        out.flush();
                        Thread.sleep(500);
                    }
                } catch (IOException e) {
                    writeFailed = true;
                } catch (InterruptedException ignored) {
                    // closed by the test
                }
            }, "forward-active-client");
            t.setDaemon(true);
            t.start();
            writer = t;
            return this;
        }

        /** The forward closed this connection: EOF or a reset on read (the silent target never sends a byte). */
        boolean closedByForward() {
            if (writeFailed) {
                return true;
            }
            try {
                InputStream in = socket.getInputStream();
                return in.read() < 0;
            } catch (SocketTimeoutException open) {
                return false;
            } catch (IOException reset) {
                return true;
            }
        }

        long ageMillis() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectedNanos);
        }

        @Override
        public void close() throws IOException {
            Thread t = writer;
            if (t != null) {
                t.interrupt();
            }
            socket.close();
        }
    }

    /**
     * The sessions view (JMX {@code Sessions}, what {@code sessions PID} prints) lists the forward's listener and the
     * busy connection's channel with its target and its idle deadline; no user name.
     */
    private static void assertSessionsViewShowsTheForward(ForkedJvm app, int localPort, int targetPort) throws Exception {
        app.send("sessions");
        app.awaitLine(Pattern.compile("^SESSIONS-END"), 30_000);
        List<String> view = new ArrayList<>();
        for (String l : app.stdout()) {
            if (l.startsWith("SESSIONS ")) {
                view.add(l.substring("SESSIONS ".length()));
            }
        }
        String table = String.join("\n", view);
        assertThat(table).contains("forward listener port " + localPort + " -> 127.0.0.1:" + targetPort + "  accepting")
                .contains("channel direct-tcpip to 127.0.0.1:" + targetPort)
                .contains("deadline: forward.idleTimeout=2s (idle ")
                .doesNotContain(System.getProperty("user.name") + "@");
    }

    /** Whether a new TCP client is accepted on {@code port} (false: refused). */
    private static boolean accepts(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }

    /**
     * JSch, with its control beside it (both at once, so the waits overlap): without the setting the idle client is
     * still connected after the limit and the margin; with it, it is closed within them, and the active one is not.
     */
    @Test
    void jschIdleForwardedConnectionIsClosedAndAnActiveOneIsNot() throws Exception {
        try (SilentListener target = new SilentListener();
             ForkedJvm control = app("JschLocalForward", Bench.Library.JSCH_MWIEDE.dir, "keepalive.interval=15s")
                     .args(SSHD.server().target("127.0.0.1", String.valueOf(target.port()))).start();
             ForkedJvm treated = app("JschLocalForward", Bench.Library.JSCH_MWIEDE.dir, "forward.idleTimeout=2s")
                     .keepStdin().sysprop("sample.sessionsOnStdin", "true").args(SSHD.server().target("127.0.0.1", String.valueOf(target.port()))).start()) {
            int controlPort = forwardPort(control);
            int treatedPort = forwardPort(treated);
            try (Client controlIdle = new Client(controlPort);
                 Client idle = new Client(treatedPort);
                 Client busy = new Client(treatedPort).active()) {
                await().atMost(Duration.ofMillis(LIMIT_MS + MARGIN_MS)).pollInterval(Duration.ofMillis(50))
                        .until(idle::closedByForward);
                long closedAfter = idle.ageMillis();
                Measurements.record("forward.idleTimeout=2s, JSch: idle forwarded connection closed after (ms)", closedAfter);
                assertThat(closedAfter).isGreaterThanOrEqualTo(LIMIT_MS - 100);
                // the control's idle client (no forward.idleTimeout) and the busy one: open all along, past the
                // limit and the margin
                long rest = Math.max(500, LIMIT_MS + MARGIN_MS - controlIdle.ageMillis());
                await().during(Duration.ofMillis(rest)).atMost(Duration.ofMillis(rest + 3000))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> !controlIdle.closedByForward() && !busy.closedByForward());
                assertThat(busy.ageMillis()).isGreaterThan(LIMIT_MS * 2);
                assertSessionsViewShowsTheForward(treated, treatedPort, target.port());
            }
            assertThat(treated.stderr()).filteredOn(l -> l.contains("event=forward.idle-closed")).hasSize(1)
                    .allMatch(l -> l.contains("lib=jsch") && l.contains("target=127.0.0.1:" + target.port())
                            && l.contains("limit=2s"));
            assertThat(control.stderr()).noneMatch(l -> l.contains("event=forward.idle"));
        }
    }

    /** MINA and sshj, (a) once each: the idle client closed within the limit and margin, the busy one kept. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"MinaLocalForward:sshd-" + Versions.SSHD, "SshjLocalForward:sshj-" + Versions.SSHJ})
    void idleForwardedConnectionIsClosedAndAnActiveOneIsNot(String appAndLibrary) throws Exception {
        String[] al = appAndLibrary.split(":");
        try (SilentListener target = new SilentListener();
             ForkedJvm treated = app(al[0], al[1], "forward.idleTimeout=2s")
                     .keepStdin().sysprop("sample.sessionsOnStdin", "true").args(SSHD.server().target("127.0.0.1", String.valueOf(target.port()))).start()) {
            int port = forwardPort(treated);
            try (Client idle = new Client(port); Client busy = new Client(port).active()) {
                await().atMost(Duration.ofMillis(LIMIT_MS + MARGIN_MS)).pollInterval(Duration.ofMillis(50))
                        .until(idle::closedByForward);
                long closedAfter = idle.ageMillis();
                Measurements.record("forward.idleTimeout=2s, " + al[1] + ": idle forwarded connection closed after (ms)",
                        closedAfter);
                assertThat(closedAfter).isGreaterThanOrEqualTo(LIMIT_MS - 100);
                long rest = Math.max(500, LIMIT_MS * 2 + 500 - busy.ageMillis());
                await().during(Duration.ofMillis(rest)).atMost(Duration.ofMillis(rest + 3000))
                        .pollInterval(Duration.ofMillis(200)).until(() -> !busy.closedByForward());
                assertSessionsViewShowsTheForward(treated, port, target.port());
            }
            assertThat(treated.stderr()).filteredOn(l -> l.contains("event=forward.idle-closed")).hasSize(1);
        }
    }

    /**
     * (b) JSch: the peer dropped, Lifeline's keepalive declares the session dead, and the forward's listener is closed
     * with it: a new client is refused. The control (no agent, same drop) still accepts after the same time.
     */
    @Test
    void jschDeadSessionClosesItsForwardListener() throws Exception {
        OpenSshServer server = DROPPED.server();
        try (SilentListener target = new SilentListener();
             ForkedJvm control = app("JschLocalForward", Bench.Library.JSCH_MWIEDE.dir, null)
                     .args(server.target("127.0.0.1", String.valueOf(target.port()))).start();
             ForkedJvm treated = app("JschLocalForward", Bench.Library.JSCH_MWIEDE.dir,
                     "keepalive.interval=1s,keepalive.countMax=3")
                     .args(server.target("127.0.0.1", String.valueOf(target.port()))).start()) {
            int controlPort = forwardPort(control);
            int treatedPort = forwardPort(treated);
            assertThat(accepts(treatedPort)).isTrue();
            try (PacketDrop drop = PacketDrop.on(server.port)) {
                long t0 = System.nanoTime();
                await().atMost(Duration.ofMillis(DEAD_BOUND_MS)).pollInterval(Duration.ofMillis(100))
                        .until(() -> !accepts(treatedPort));
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                Measurements.record("dead peer, JSch local forward: listener refuses new clients after (ms)", ms);
                // the control (no agent, the same drop) still accepts, all along to the same bound and past it
                long rest = Math.max(500, DEAD_BOUND_MS + 1000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                await().during(Duration.ofMillis(rest)).atMost(Duration.ofMillis(rest + 3000))
                        .pollInterval(Duration.ofMillis(250)).until(() -> accepts(controlPort));
            }
            assertThat(treated.stderr()).anyMatch(l -> l.contains("event=keepalive.declared-dead"));
            assertThat(treated.stderr()).anyMatch(l -> l.contains("event=forward.listeners-closed")
                    && l.contains("listeners=1"));
        }
    }

    /**
     * (b) for MINA and sshj, without a control (JSch's above shows the fault): sshj closes its forwarders only in
     * {@code disconnect()}, so after a dead peer {@code listen()} would accept forever; Lifeline closes the listener.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"MinaLocalForward:sshd-" + Versions.SSHD, "SshjLocalForward:sshj-" + Versions.SSHJ})
    void deadSessionClosesItsForwardListener(String appAndLibrary) throws Exception {
        String[] al = appAndLibrary.split(":");
        OpenSshServer server = DROPPED.server();
        try (SilentListener target = new SilentListener();
             ForkedJvm treated = app(al[0], al[1], "keepalive.interval=1s,keepalive.countMax=3")
                     .args(server.target("127.0.0.1", String.valueOf(target.port()))).start()) {
            int port = forwardPort(treated);
            assertThat(accepts(port)).isTrue();
            try (PacketDrop drop = PacketDrop.on(server.port)) {
                long t0 = System.nanoTime();
                await().atMost(Duration.ofMillis(DEAD_BOUND_MS)).pollInterval(Duration.ofMillis(100))
                        .until(() -> !accepts(port));
                Measurements.record("dead peer, " + al[1] + " local forward: listener refuses new clients after (ms)",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> treated.stderr().stream()
                    .anyMatch(l -> l.contains("event=forward.listeners-closed") && l.contains("listeners=1")));
        }
    }
}
