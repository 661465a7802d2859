package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.EmbeddedSshServer;
import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.SampleKeys;
import dev.lifeline.samples.Versions;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 25 item 3: {@code countMax} means what it means in OpenSSH. An embedded MINA server streams a line every
 * 200 ms on an exec channel and never answers a keepalive request (no reply at all; it counts them per client). JSch,
 * MINA and sshj under Lifeline at keepalive 1 s × 3 (sshj twice: Lifeline's own probe, and an app's own keepalive that
 * {@code enforce} turns into sshj's {@code KeepAliveRunner}), and OpenSSH's own client with {@code ServerAliveInterval=1},
 * {@code ServerAliveCountMax=3} as the reference, all keep streaming for 8 s; when the server then stops sending
 * anything (the command goes quiet, the channel stays open, still no replies), each declares the peer dead within
 * interval × (countMax + 1) + 1 s of the last packet, and the server shows it received keepalive requests it never
 * answered. All five clients run at once against one server of this class's own (free port, own directory).
 */
class UnansweredKeepaliveTest {
    private static final String KEEPALIVE_1S_X3 = "keepalive.interval=1s,keepalive.countMax=3";
    /** interval × (countMax + 1) + 1 s */
    private static final long BOUND_MS = 1000 * (3 + 1) + 1000;
    private static final Duration STREAMING = Duration.ofSeconds(8);
    private static final Pattern SILENT_MS = Pattern.compile("silent_ms=(\\d+)");

    @TempDir
    Path dir;

    @Test
    void aServerThatStreamsAndNeverAnswersKeepalivesIsAliveUntilItFallsSilent() throws Exception {
        Map<String, AtomicInteger> unanswered = new ConcurrentHashMap<>();
        SampleKeys keys = SampleKeys.create(dir.resolve("client"));
        try (EmbeddedSshServer server = EmbeddedSshServer.start(dir, s -> neverAnswerKeepalives(s, unanswered))) {
            String user = System.getProperty("user.name");
            Map<String, ForkedJvm> apps = new LinkedHashMap<>();
            Map<String, Path> stops = new LinkedHashMap<>();
            for (String lib : Arrays.asList("jsch", "sshd", "sshj", "sshj-runner", "ssh")) {
                stops.put(lib, dir.resolve("stop-" + lib));
            }
            try {
                // one after another: each key exchange on a quiet machine (JSch bounds its waits during one by its read
                // timeout, which the 1 s keepalive interval is)
                apps.put("jsch", start(Bench.app("JschStreamingExec", Library.JSCH_MWIEDE, Bench.defaultJdk()), server, user, keys,
                        stops.get("jsch")));
                apps.put("sshd", start(Bench.app("MinaStreamingExec", Library.SSHD, Bench.defaultJdk()), server, user, keys,
                        stops.get("sshd")));
                apps.put("sshj", start(Bench.app("SshjStreamingExec", "sshj-" + Versions.SSHJ, Bench.defaultJdk()), server, user,
                        keys, stops.get("sshj")));
                // an sshj app with its own 2 s keepalive (sshj's heartbeater): enforce makes it sshj's KeepAliveRunner at
                // 1 s x 3, which Lifeline's hook makes count as OpenSSH's client does
                apps.put("sshj-runner", start(Bench.app("SshjStreamingExec", "sshj-" + Versions.SSHJ, Bench.defaultJdk())
                        .sysprop("sample.keepalive", "2"), "mode=enforce," + KEEPALIVE_1S_X3, server, user, keys,
                        stops.get("sshj-runner")));
                try (OpenSsh ssh = OpenSsh.start(server, user, keys, command(stops.get("ssh")),
                        "ServerAliveInterval=1", "ServerAliveCountMax=3")) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> ssh.lines.get() > 0);

                    // 8 s of a line every 200 ms. MINA's heartbeat, sshj's runner and OpenSSH's client ask every second
                    // whatever arrives, and are left unanswered; JSch and Lifeline's sshj keepalive ask only after an
                    // interval with nothing from the peer, so they ask nothing here while the lines keep coming (not
                    // asserted: on a loaded machine the command itself can pause for a second)
                    await().during(STREAMING).atMost(STREAMING.plusSeconds(2)).until(() ->
                            apps.values().stream().allMatch(ForkedJvm::isAlive) && ssh.process.isAlive());
                    for (Map.Entry<String, ForkedJvm> e : apps.entrySet()) {
                        assertThat(e.getValue().stderr()).as(e.getKey())
                                .noneMatch(l -> l.contains("event=keepalive.declared-dead"));
                    }
                    System.out.println("keepalive requests left unanswered while streaming, by client: " + unanswered);
                    assertThat(count(unanswered, "APACHE-SSHD")).as("MINA's heartbeats left unanswered while streaming")
                            .isGreaterThanOrEqualTo(5);

                    // the server falls silent: no more lines, the channel open, still no replies
                    for (Path stop : stops.values()) {
                        Files.createFile(stop);
                    }
                    for (Map.Entry<String, ForkedJvm> e : apps.entrySet()) {
                        ForkedJvm app = e.getValue();
                        app.awaitExit(30_000);
                        Map<String, String> result = app.result();
                        long quiet = Long.parseLong(result.get("quiet_ms"));
                        Measurements.record("peer falls silent after streaming, " + e.getKey() + " under agent 1s x3 (last line to end)", quiet);
                        String dead = app.stderr().stream().filter(l -> l.contains("event=keepalive.declared-dead"))
                                .findFirst().orElse(null);
                        assertThat(dead).as(e.getKey() + ": " + app.output()).isNotNull();
                        Matcher m = SILENT_MS.matcher(dead);
                        assertThat(m.find()).as(dead).isTrue();
                        long silent = Long.parseLong(m.group(1));
                        assertThat(silent).as("the true silence at the verdict: " + dead).isBetween(3000L, BOUND_MS);
                        assertThat(Integer.parseInt(result.get("lines"))).as(e.getKey()).isGreaterThanOrEqualTo(20);
                        assertThat(quiet).as(e.getKey() + ": the stream ends after the verdict, " + result).isBetween(3000L, BOUND_MS + 1000);
                    }
                    assertThat(ssh.process.waitFor(30, TimeUnit.SECONDS)).as("OpenSSH's client gives up too").isTrue();
                    long sshQuiet = (ssh.endedNanos.get() - ssh.lastLineNanos.get()) / 1_000_000L;
                    Measurements.record("peer falls silent after streaming, OpenSSH ssh ServerAlive 1 x 3 (last line to exit)", sshQuiet);
                    assertThat(ssh.process.exitValue()).as(ssh.output.toString()).isEqualTo(255);
                    assertThat(ssh.lines.get()).isGreaterThanOrEqualTo(20);
                    assertThat(sshQuiet).isBetween(3000L, BOUND_MS + 1000);
                    System.out.println("keepalive requests left unanswered, by client: " + unanswered);
                    // the fault is real: every client asked, and the server answered none
                    for (String version : Arrays.asList("JSCH", "SSHJ", "APACHE-SSHD", "OpenSSH")) {
                        assertThat(count(unanswered, version)).as(version + ": " + unanswered).isGreaterThanOrEqualTo(3);
                    }
                }
            } finally {
                apps.values().forEach(ForkedJvm::close);
            }
        }
    }

    /**
     * MINA before 2.13 ({@value Versions#SSHD_LEGACY} here): its heartbeat waits for each reply, so it closed this
     * session at about 4 s (a wait of interval × countMax) however many lines came; Lifeline's own probe replaces it
     * there and asks nothing while lines arrive. 6 s of streaming, then silence: declared dead on the same bound, and
     * the server shows the probes it left unanswered (the fault is real).
     */
    @Test
    void minaBefore2_13StreamsOnUnderLifelinesProbeAndIsDeclaredDeadWhenSilent() throws Exception {
        Map<String, AtomicInteger> unanswered = new ConcurrentHashMap<>();
        SampleKeys keys = SampleKeys.create(dir.resolve("client"));
        try (EmbeddedSshServer server = EmbeddedSshServer.start(dir, s -> neverAnswerKeepalives(s, unanswered))) {
            Path stop = dir.resolve("stop-legacy");
            try (ForkedJvm app = start(Bench.app("MinaStreamingExec", Library.SSHD_LEGACY, Bench.defaultJdk()), server,
                    System.getProperty("user.name"), keys, stop)) {
                Duration streaming = Duration.ofSeconds(6);
                await().during(streaming).atMost(streaming.plusSeconds(2)).until(app::isAlive);
                assertThat(app.stderr()).noneMatch(l -> l.contains("event=keepalive.declared-dead"));
                Files.createFile(stop);
                app.awaitExit(30_000);
                Map<String, String> result = app.result();
                long quiet = Long.parseLong(result.get("quiet_ms"));
                Measurements.record("peer falls silent after streaming, sshd-" + Versions.SSHD_LEGACY
                        + " under agent 1s x3 (last line to end)", quiet);
                String dead = app.stderr().stream().filter(l -> l.contains("event=keepalive.declared-dead")).findFirst().orElse(null);
                assertThat(dead).as(app.output()).isNotNull();
                Matcher m = SILENT_MS.matcher(dead);
                assertThat(m.find()).as(dead).isTrue();
                assertThat(Long.parseLong(m.group(1))).as("the true silence at the verdict: " + dead).isBetween(3000L, BOUND_MS);
                assertThat(Integer.parseInt(result.get("lines"))).as("lines while streaming").isGreaterThanOrEqualTo(15);
                assertThat(quiet).as("the stream ends after the verdict, " + result).isBetween(3000L, BOUND_MS + 1000);
                assertThat(count(unanswered, "APACHE-SSHD")).as("probes left unanswered: " + unanswered).isGreaterThanOrEqualTo(3);
            }
        }
    }

    /** Lines every 200 ms until the stop file exists, then nothing (the channel stays open). */
    private static String command(Path stop) {
        return "while [ ! -e " + stop + " ]; do echo line; sleep 0.2; done; exec sleep 600";
    }

    private static ForkedJvm start(ForkedJvm.Builder app, EmbeddedSshServer server, String user, SampleKeys keys, Path stop)
            throws Exception {
        return start(app, KEEPALIVE_1S_X3, server, user, keys, stop);
    }

    private static ForkedJvm start(ForkedJvm.Builder app, String agentArgs, EmbeddedSshServer server, String user,
                                   SampleKeys keys, Path stop) throws Exception {
        ForkedJvm jvm = Bench.withAgent(app, agentArgs).args(server.host(), String.valueOf(server.port()), user,
                keys.privateKey.toString(), command(stop)).start();
        jvm.awaitLine(Pattern.compile("^READY streaming"), 60_000);
        return jvm;
    }

    /**
     * Every {@code keepalive@...} global request is taken and never answered (MINA sends nothing for
     * {@link RequestHandler.Result#Replied}), counted by the client's version string.
     */
    private static void neverAnswerKeepalives(SshServer sshd, Map<String, AtomicInteger> unanswered) {
        try {
            // the host key now, not at the first connect: four clients' key exchanges are not held by its generation
            // (JSch's waits during a key exchange are bounded by its read timeout, the 1 s keepalive interval)
            sshd.getKeyPairProvider().loadKeys(null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        List<RequestHandler<ConnectionService>> handlers = new ArrayList<>();
        handlers.add((service, request, wantReply, buffer) -> {
            if (!request.startsWith("keepalive@")) {
                return RequestHandler.Result.Unsupported;
            }
            unanswered.computeIfAbsent(String.valueOf(service.getSession().getClientVersion()), k -> new AtomicInteger())
                    .incrementAndGet();
            return RequestHandler.Result.Replied;
        });
        handlers.addAll(sshd.getGlobalRequestHandlers());
        sshd.setGlobalRequestHandlers(handlers);
    }

    private static int count(Map<String, AtomicInteger> unanswered, String version) {
        return unanswered.entrySet().stream().filter(e -> e.getKey().contains(version)).mapToInt(e -> e.getValue().get()).sum();
    }

    /** OpenSSH's client, its output read on a thread that stamps the last line and the end. */
    static final class OpenSsh implements AutoCloseable {
        final Process process;
        final AtomicInteger lines = new AtomicInteger();
        final AtomicLong lastLineNanos = new AtomicLong();
        final AtomicLong endedNanos = new AtomicLong();
        final StringBuffer output = new StringBuffer();

        private OpenSsh(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        if (l.equals("line")) {
                            lastLineNanos.set(System.nanoTime());
                            lines.incrementAndGet();
                        } else {
                            output.append(l).append('\n');
                        }
                    }
                } catch (Exception ended) {
                    // the process ended
                }
                endedNanos.set(System.nanoTime());
            }, "openssh-reader");
            reader.setDaemon(true);
            reader.start();
        }

        static OpenSsh start(EmbeddedSshServer server, String user, SampleKeys keys, String command, String... options)
                throws Exception {
            List<String> cmd = new ArrayList<>(Arrays.asList("ssh", "-T", "-o", "BatchMode=yes",
                    "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                    "-i", keys.privateKey.toString(), "-p", String.valueOf(server.port())));
            for (String o : options) {
                cmd.add("-o");
                cmd.add(o);
            }
            cmd.add(user + "@" + server.host());
            cmd.add(command);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            return new OpenSsh(p);
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
