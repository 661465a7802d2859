package dev.lifeline.bench;

import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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
 * refused; without the agent it keeps accepting. The clients are this JVM's sockets; the apps only forward. Each
 * library's JVM does (a) and then (b): 3 JVMs with the agent and one control in all.
 */
class LocalForwardTest {
    static final long LIMIT_MS = 2000;
    /** Generous: the check runs 1 ms after the limit, the close on the action pool, on 2 busy cores. */
    static final long MARGIN_MS = 3000;
    /** Keepalive 1 s x 3: declared dead after about 4 s (interval x (countMax + 1)), plus 2 s. */
    static final long DEAD_BOUND_MS = 1000 * (3 + 1) + 2000;
    private static final Pattern READY = Pattern.compile("^READY forward port=(\\d+)");

    /** One server per test, each dropped in its turn: a drop cuts every session to its server. */
    @RegisterExtension
    static final OpenSshExtension JSCH_SERVER = OpenSshExtension.builder()
            .requires(PacketDrop::available, "needs root and nft").onDemand().build();
    @RegisterExtension
    static final OpenSshExtension MINA_SSHJ_SERVER = OpenSshExtension.builder()
            .requires(PacketDrop::available, "needs root and nft").onDemand().build();
    /** Both parts in one JVM per library (a JVM's start-up is most of a test's cost on 2 shared cores). */
    static final String TREATED = "forward.idleTimeout=2s,keepalive.interval=1s,keepalive.countMax=3";

    private static ForkedJvm.Builder app(String name, String libraryDir, String agentArgs) {
        ForkedJvm.Builder b = Bench.app(name, libraryDir, Bench.defaultJdk());
        return agentArgs == null ? b : Bench.withAgent(b, agentArgs);
    }

    private static int forwardPort(ForkedJvm app) throws Exception {
        Matcher m = READY.matcher(app.awaitLine(READY, 60_000));
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

    private static ForkedJvm treatedApp(String name, String libraryDir, OpenSshServer server, SilentListener target)
            throws IOException {
        return app(name, libraryDir, TREATED).keepStdin().sysprop("sample.sessionsOnStdin", "true")
                .args(server.target("127.0.0.1", String.valueOf(target.port()))).start();
    }

    /**
     * JSch, with its control beside it (no agent; both at once, so the waits overlap). (a) Without the agent the idle
     * client is still connected after the limit and the margin; with {@code forward.idleTimeout=2s} it is closed within
     * them, and the busy one is not. (b) Then the peer is dropped: Lifeline's keepalive declares the session dead, and
     * its listener is closed with it (by JSch, in the {@code disconnect()} its reader thread calls), so a new client is
     * refused; the control's listener still accepts after the same time.
     */
    @Test
    void jsch() throws Exception {
        OpenSshServer server = JSCH_SERVER.server();
        try (SilentListener target = new SilentListener();
             ForkedJvm control = app("JschLocalForward", Bench.Library.JSCH_MWIEDE.dir, null)
                     .args(server.target("127.0.0.1", String.valueOf(target.port()))).start();
             ForkedJvm treated = treatedApp("JschLocalForward", Bench.Library.JSCH_MWIEDE.dir, server, target)) {
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
                // the control's idle client and the busy one: open all along, past the limit and the margin
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

            assertThat(accepts(treatedPort)).isTrue();
            try (PacketDrop drop = PacketDrop.on(server.port)) {
                long t0 = System.nanoTime();
                await().atMost(Duration.ofMillis(DEAD_BOUND_MS)).pollInterval(Duration.ofMillis(100))
                        .until(() -> !accepts(treatedPort));
                Measurements.record("dead peer, JSch local forward: listener refuses new clients after (ms)",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                // the control (no agent, the same drop) still accepts, all along to the same bound and past it
                long rest = Math.max(500, DEAD_BOUND_MS + 1000 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                await().during(Duration.ofMillis(rest)).atMost(Duration.ofMillis(rest + 3000))
                        .pollInterval(Duration.ofMillis(250)).until(() -> accepts(controlPort));
            }
            assertThat(treated.stderr()).anyMatch(l -> l.contains("event=keepalive.declared-dead"));
            assertThat(treated.stderr()).anyMatch(l -> l.contains("event=forward.listeners-closed")
                    && l.contains("listeners=1") && l.contains("closed_by_library=1"));
        }
    }

    /**
     * MINA and sshj, their JVMs started together. (a) for both: the idle client closed within the limit and margin,
     * the busy one kept. (b) for sshj, whose forwarders close only in {@code disconnect()}: after the dead peer its
     * {@code listen()} would accept forever; Lifeline closes the listener, and the app's {@code listen()} ends. (MINA
     * unbinds a closed session's forwards itself: checked by hand, not run here.)
     */
    @Test
    void minaAndSshj() throws Exception {
        OpenSshServer server = MINA_SSHJ_SERVER.server();
        String minaLib = "sshd-" + Versions.SSHD;
        String sshjLib = "sshj-" + Versions.SSHJ;
        try (SilentListener target = new SilentListener();
             ForkedJvm mina = treatedApp("MinaLocalForward", minaLib, server, target);
             ForkedJvm sshj = treatedApp("SshjLocalForward", sshjLib, server, target)) {
            idleClosedBusyKept(mina, minaLib, target);
            int sshjPort = idleClosedBusyKept(sshj, sshjLib, target);

            assertThat(accepts(sshjPort)).isTrue();
            try (PacketDrop drop = PacketDrop.on(server.port)) {
                long t0 = System.nanoTime();
                await().atMost(Duration.ofMillis(DEAD_BOUND_MS)).pollInterval(Duration.ofMillis(100))
                        .until(() -> !accepts(sshjPort));
                Measurements.record("dead peer, sshj local forward: listener refuses new clients after (ms)",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> sshj.stderr().stream()
                    .anyMatch(l -> l.contains("event=forward.listeners-closed") && l.contains("listeners=1")
                            && l.contains("closed_by_lifeline=1")));
            sshj.awaitExit(30_000); // listen() failed on the closed listener: the app goes on
            assertThat(sshj.result()).containsEntry("status", "error");
        }
    }

    /** (a) on one treated app: returns its forward's local port. */
    private static int idleClosedBusyKept(ForkedJvm treated, String libraryDir, SilentListener target) throws Exception {
        int port = forwardPort(treated);
        try (Client idle = new Client(port); Client busy = new Client(port).active()) {
            await().atMost(Duration.ofMillis(LIMIT_MS + MARGIN_MS)).pollInterval(Duration.ofMillis(50))
                    .until(idle::closedByForward);
            long closedAfter = idle.ageMillis();
            Measurements.record("forward.idleTimeout=2s, " + libraryDir + ": idle forwarded connection closed after (ms)",
                    closedAfter);
            assertThat(closedAfter).as(libraryDir).isGreaterThanOrEqualTo(LIMIT_MS - 100);
            long rest = Math.max(500, LIMIT_MS * 2 + 500 - busy.ageMillis());
            await().during(Duration.ofMillis(rest)).atMost(Duration.ofMillis(rest + 3000))
                    .pollInterval(Duration.ofMillis(200)).until(() -> !busy.closedByForward());
            assertSessionsViewShowsTheForward(treated, port, target.port());
        }
        assertThat(treated.stderr()).as(libraryDir).filteredOn(l -> l.contains("event=forward.idle-closed")).hasSize(1);
        return port;
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
}
