package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 5, {@code tcp.keepalive*} on MINA's other transports: an unchanged MINA SSHD app with sshd-mina (mina-core) or
 * sshd-netty (Netty NIO) on its class path, which MINA then uses instead of NIO2. The socket gets {@code SO_KEEPALIVE}
 * and its per-socket idle/interval/count (seen from outside with {@code ss -tnoi}), and TCP keepalive alone detects a
 * silently dropped peer. The control without the agent is {@link SshdKeepaliveTest#withoutTheAgentTheSameSessionStaysBlocked}:
 * no transport sends anything on an idle session by itself.
 *
 * <p>MINA {@value dev.lifeline.samples.Versions#SSHD_OLD} (detection and {@code ss}) and
 * {@value dev.lifeline.samples.Versions#SSHD_LEGACY} ({@code ss}): sshd-mina/sshd-netty
 * {@value dev.lifeline.samples.Versions#SSHD} are not in the build's repository.
 */
class SshdTransportTest {
    enum Transport {
        MINA("org.apache.sshd.mina.MinaServiceFactoryFactory", "MinaProcessor"),
        NETTY("org.apache.sshd.netty.NettyIoServiceFactoryFactory", "nioEventLoopGro");

        /** MINA's own switch; ServiceLoader would pick the jar on the class path anyway, this makes it certain. */
        final String factory;
        /** Prefix of the transport's I/O threads' names as Linux shows them (15 characters at most). */
        final String threadPrefix;

        Transport(String factory, String threadPrefix) {
            this.factory = factory;
            this.threadPrefix = threadPrefix;
        }

        String dir(Library library) {
            return library.dir + "-" + name().toLowerCase();
        }
    }

    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().requires(PacketDrop::available, "needs root and nft").build();

    /** MinaIdleChannel on MINA {@code library} with {@code transport}'s jars (of that version) added to the class path. */
    static ForkedJvm.Builder idleApp(Transport transport, Library library) {
        return onTransport(transport, "MinaIdleChannel", library).args(SSHD.server().target());
    }

    static ForkedJvm.Builder onTransport(Transport transport, String app, Library library) {
        Path dir = Bench.libs().resolve(transport.dir(library));
        Requirements.require(Files.isDirectory(dir), dir + " not copied by the build (run mvn -pl sample-apps generate-resources once online)");
        return Bench.app(app, library, Bench.defaultJdk())
                .classpath(dir.resolve("*").toString())
                .sysprop("org.apache.sshd.common.io.IoServiceFactoryFactory", transport.factory);
    }

    /** The app really runs on {@code transport}: its I/O threads, read from /proc (names cut to 15 characters). */
    static void assertRunsOn(ForkedJvm app, Transport transport) throws Exception {
        assertThat(threads(app)).as("threads of " + app.name()).anyMatch(t -> t.startsWith(transport.threadPrefix));
    }

    /** The names of {@code app}'s threads as Linux shows them (cut to 15 characters). */
    static List<String> threads(ForkedJvm app) throws Exception {
        List<String> threads = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(app.pid()), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    threads.add(Files.readString(task.resolve("comm")).trim());
                } catch (java.io.IOException gone) {
                    // a thread that ended meanwhile
                }
            }
        }
        return threads;
    }

    static Stream<Arguments> transportsAndVersions() {
        return Stream.of(Transport.values()).flatMap(t -> Stream.of(Library.SSHD_OLD, Library.SSHD_LEGACY).map(l -> Arguments.of(t, l)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndVersions")
    void tcpKeepaliveIsVisibleFromOutsideTheJvm(Transport transport, Library library) throws Exception {
        String agentArgs = "tcp.keepalive.idle=42s,tcp.keepalive.interval=7s,tcp.keepalive.count=4";
        try (ForkedJvm with = Bench.withAgent(idleApp(transport, library), agentArgs).start();
             ForkedJvm without = idleApp(transport, library).start()) {
            with.awaitLine(Pattern.compile("^READY idle"), 30_000);
            without.awaitLine(Pattern.compile("^READY idle"), 30_000);
            assertRunsOn(with, transport);
            assertRunsOn(without, transport);
            assertThat(with.stderr()).anyMatch(l -> l.contains("event=session.configured") && l.contains("lib=sshd")
                    && l.contains("tcp.keepalive=on,idle=42s,interval=7s,count=4(set)"));
            assertThat(with.stderr()).noneMatch(l -> l.contains("tcp.keepalive-"));
            SocketStates.awaitOneKeepaliveTimer(SSHD.server().port, "(4[0-2]|3\\d)");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Transport.class)
    void tcpKeepaliveAloneDetectsTheDeadPeer(Transport transport) throws Exception {
        String tcpOnly = "keepalive.interval=0,tcp.keepalive.idle=1s,tcp.keepalive.interval=1s,tcp.keepalive.count=2";
        try (ForkedJvm app = Bench.withAgent(idleApp(transport, Library.SSHD_OLD), tcpOnly).start()) {
            app.awaitLine(Pattern.compile("^READY idle"), 30_000);
            assertRunsOn(app, transport);
            assertThat(app.stderr()).anyMatch(l -> l.contains("event=session.configured")
                    && l.contains("tcp.keepalive=on,idle=1s,interval=1s,count=2(set)"));
            SocketStates.awaitQuiet(SSHD.server().port);
            long ms = PacketDrop.millisUntilAppGivesUp(app, "idle", SSHD.server().port);
            Measurements.record("dead peer, TCP keepalive only idle=1s interval=1s count=2 (MINA " + Library.SSHD_OLD.dir
                    + ", " + transport + " transport)", ms);
            assertThat(app.result().get("status")).isIn("closed", "error");
            assertThat(ms).isLessThanOrEqualTo(1000 + 1000 * 2 + 3000);
        }
    }

    /**
     * {@code connect.timeout} through {@code SshClient.doConnect} on both transports (MinaExec, {@code connect(..).verify()}
     * with no timeout, to a listener that never greets): the I/O connector's deadline is handed over to doConnect's,
     * so exactly one {@code connect.deadline-fired} line. The controls, started alongside, still wait at 8 s.
     */
    @Test
    void connectTimeoutFiresOnceOnEitherTransport(@TempDir Path tmp) throws Exception {
        Path key = dev.lifeline.samples.SampleKeys.create(tmp).privateKey;
        try (SilentListener silent = new SilentListener()) {
            String[] target = {"127.0.0.1", String.valueOf(silent.port()), "nobody", key.toString(), "true"};
            List<ForkedJvm> apps = new ArrayList<>();
            long started = System.nanoTime();
            try {
                for (Transport t : Transport.values()) {
                    apps.add(Bench.withAgent(onTransport(t, "MinaExec", Library.SSHD_OLD).args(target), "connect.timeout=3s").start());
                    apps.add(onTransport(t, "MinaExec", Library.SSHD_OLD).args(target).start());
                }
                for (int i = 0; i < apps.size(); i += 2) {
                    ForkedJvm with = apps.get(i);
                    Transport t = Transport.values()[i / 2];
                    with.awaitExit(30_000);
                    long ms = Long.parseLong(with.result().get("connect_ms"));
                    Measurements.record("connect deadline 3s, MINA " + Library.SSHD_OLD.dir + " doConnect, " + t + " transport, no banner", ms);
                    assertThat(with.result()).as(with.output()).containsEntry("status", "error");
                    List<String> fired = with.stderr().stream().filter(l -> l.contains("event=connect.deadline-fired") && l.contains("lib=sshd"))
                            .collect(java.util.stream.Collectors.toList());
                    assertThat(fired).as(with.output()).hasSize(1);
                    // the tight check is the deadline's own clock; the app's figure, with four JVMs started at once on 2
                    // cores, once came 3 s after an on-time deadline (CI: connect_ms=6185, elapsed_ms=3001)
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("elapsed_ms=(\\d+)").matcher(fired.get(0));
                    assertThat(m.find()).as(fired.get(0)).isTrue();
                    assertThat(Long.parseLong(m.group(1))).as(fired.get(0)).isBetween(ConnectDeadlineTest.DEADLINE_MS, ConnectDeadlineTest.DEADLINE_MS + 1000);
                    assertThat(ms).isBetween(ConnectDeadlineTest.DEADLINE_MS, ConnectDeadlineTest.DEADLINE_MS + 2 * ConnectDeadlineTest.APP_SLACK_MS + 2000);
                }
                // a process that ended stays ended: alive 8 s after the start means it waited all along
                long left = Math.max(100, 8000 - (System.nanoTime() - started) / 1_000_000);
                await().during(Duration.ofMillis(left)).atMost(Duration.ofMillis(left + 5000)).untilAsserted(() -> {
                    for (int i = 1; i < apps.size(); i += 2) {
                        assertThat(apps.get(i).isAlive()).as(apps.get(i).name() + " without the agent still waiting: " + apps.get(i).output()).isTrue();
                    }
                });
                for (int i = 1; i < apps.size(); i += 2) {
                    assertRunsOn(apps.get(i), Transport.values()[i / 2]);
                }
            } finally {
                for (ForkedJvm a : apps) {
                    a.close();
                }
            }
        }
    }
}
