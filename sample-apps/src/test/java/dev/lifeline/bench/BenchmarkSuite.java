package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.EmbeddedSshServer;
import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Issue 9: the benchmark behind {@code benchmarks/run.sh}: the same measurement with and without the agent, in the same
 * run, interleaved (A B A B ...), medians. Not a test of behaviour: it asserts nothing about speed, and is skipped
 * unless {@code -Dlifeline.bench=true}, so {@code mvn verify} never runs it.
 *
 * <p>Each row writes {@code row-N.md} (lines of the summary table) and {@code detail-N.md} (every run's figure) to
 * {@code -Dlifeline.bench.out} (default {@code target/benchmark}); {@code run.sh} assembles them with the start-up rows
 * and the jar size into {@code benchmarks/results.md}. {@code -Dlifeline.bench.quick=true}: few iterations, for
 * development. {@code -Dlifeline.bench.rows=3,7}: only those rows.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BenchmarkSuite {
    static final boolean QUICK = Boolean.getBoolean("lifeline.bench.quick");
    static final String KEEPALIVE_1S_X3 = "keepalive.interval=1s,keepalive.countMax=3";
    static final Path OUT = Paths.get(System.getProperty("lifeline.bench.out", "target/benchmark")).toAbsolutePath();

    /** Started by the first row that needs it. */
    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().onDemand().build();
    /** For the Ganymed family (issue 26): the same server with {@code diffie-hellman-group14-sha1}, which they need. */
    @RegisterExtension
    static final OpenSshExtension OLD_KEX_SSHD = OpenSshExtension.builder().config(Ssh2FamilyTest.OLD_ALGORITHMS).onDemand().build();
    /** The Ganymed family's copies in rows 2, 3 and 7 (issue 26): Jenkins' fork, as Jenkins runs it, and Ganymed. */
    static final String TRILEAD_JENKINS = "trilead-jenkins-217";
    static final String GANYMED = "ganymed-262";
    static MinaServer mina;
    static NoDelaySshServer noDelay;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("lifeline.bench"), "benchmark: run with -Dlifeline.bench=true (benchmarks/run.sh)");
        Bench.agentJar();
        Files.createDirectories(OUT);
        log("benchmark suite, " + (QUICK ? "QUICK mode" : "full mode") + ", output in " + OUT);
    }

    @AfterAll
    static void stop() throws IOException {
        if (mina != null) {
            mina.close();
        }
        if (noDelay != null) {
            noDelay.close();
        }
    }

    static OpenSshServer sshd() {
        return SSHD.server();
    }

    static MinaServer mina() throws Exception {
        if (mina == null) {
            mina = MinaServer.start(OUT.resolve("mina-server"), MinaServer::allowGroup14Sha1);
        }
        return mina;
    }

    static void onlyIfSelected(int row) {
        String rows = System.getProperty("lifeline.bench.rows", "");
        if (!rows.isBlank()) {
            Set<String> selected = new TreeSet<>(Arrays.asList(rows.split("\\s*,\\s*")));
            Assumptions.assumeTrue(selected.contains(String.valueOf(row)), "row " + row + " not selected");
        }
    }

    static int runs(int full, int quick) {
        return QUICK ? quick : full;
    }

    // ---------------------------------------------------------------- row 2: first connect + exec

    @Test
    @Order(2)
    void firstConnectAndExec() throws Exception {
        onlyIfSelected(2);
        OpenSshServer server = sshd();
        int runs = runs(10, 3);
        // {sample, library set}: issue 14 names mwiede 2.28.8, jcraft 0.1.55, MINA 2.20.0 and 2.12.1, on JDK 17 and 25; issue 26
        // adds Jenkins' Trilead fork and Ganymed 262, against the same OpenSSH with diffie-hellman-group14-sha1 enabled
        String[][] libs = {{Library.JSCH_MWIEDE.execApp(), Library.JSCH_MWIEDE.dir}, {Library.JSCH_JCRAFT.execApp(), Library.JSCH_JCRAFT.dir},
                {Library.SSHD.execApp(), Library.SSHD.dir}, {Library.SSHD_LEGACY.execApp(), Library.SSHD_LEGACY.dir},
                {"SshjExec", "sshj-" + Versions.SSHJ}, {"Ssh2Exec", TRILEAD_JENKINS}, {"Ssh2Exec", GANYMED}};
        List<Path> jdks = Bench.jdks();
        // issue 21: Lifeline's share is measured over a no-op -javaagent (run.sh builds it), when given
        Path noop = System.getProperty("lifeline.bench.noop") == null ? null : Paths.get(System.getProperty("lifeline.bench.noop"));
        String[] variants = noop != null && Files.isRegularFile(noop)
                ? new String[]{"without", "no-op", "with"} : new String[]{"without", "with"};
        Map<String, List<Double>> launch = new LinkedHashMap<>();
        Map<String, List<Double>> inMain = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        Map<String, List<Double>> rss = new LinkedHashMap<>();
        for (int i = -1; i < runs; i++) { // i = -1: one warm-up round, not counted
            for (Path jdk : jdks) {
                for (String[] lib : libs) {
                    for (String variant : variants) {
                        OpenSshServer to = lib[0].startsWith("Ssh2") ? OLD_KEX_SSHD.server() : server;
                        ForkedJvm.Builder b = Bench.app(lib[0], lib[1], jdk).echo(null).args(to.target("true"))
                                .sysprop("sample.footprint", "true");
                        if (variant.equals("with")) {
                            Bench.withAgent(b, null);
                        } else if (variant.equals("no-op")) {
                            b.agent(noop, null); // the floor any -javaagent pays (benchmarks/noop-agent)
                        }
                        try (ForkedJvm app = b.start()) {
                            app.awaitLine(Pattern.compile("^RESULT "), 60_000);
                            long ms = app.elapsedMillis();
                            Map<String, String> r = app.result();
                            requireOk(app, r);
                            if (i >= 0) {
                                String key = lib[1] + ", " + jdk.getFileName() + " " + variant;
                                launch.computeIfAbsent(key, k -> new ArrayList<>()).add((double) ms);
                                inMain.computeIfAbsent(key, k -> new ArrayList<>()).add(Double.parseDouble(r.get("elapsed_ms")));
                                cpu.computeIfAbsent(key, k -> new ArrayList<>()).add(Double.parseDouble(r.getOrDefault("cpu_ms", "-1")));
                                rss.computeIfAbsent(key, k -> new ArrayList<>()).add(Double.parseDouble(r.getOrDefault("peak_rss_kb", "-1")));
                            }
                            app.awaitExit(30_000);
                        }
                    }
                }
            }
            if (i >= 0) {
                log("row 2: round " + (i + 1) + "/" + runs);
            }
        }
        List<String> rows = new ArrayList<>();
        List<String> detail = new ArrayList<>();
        detail.add("### 2. First connect + exec (`true`) against OpenSSH on loopback, ms, " + runs + " runs each, interleaved");
        detail.add("");
        for (Path jdk : jdks) {
            for (String[] app : libs) {
                String lib = app[1] + ", " + jdk.getFileName();
                List<Double> off = launch.get(lib + " without");
                List<Double> on = launch.get(lib + " with");
                double ratio = median(on) / median(off);
                double mainRatio = median(inMain.get(lib + " with")) / median(inMain.get(lib + " without"));
                rows.add(row("2", "first connect + exec, " + app[0] + " (" + lib + "), JVM launch → result",
                        ms(median(off)) + " (in `main`: " + ms(median(inMain.get(lib + " without"))) + ")",
                        ms(median(on)) + " (in `main`: " + ms(median(inMain.get(lib + " with"))) + ")",
                        ratio(ratio) + " (in `main`: " + ratio(mainRatio) + ")",
                        "≤ 1.05× wall (issue 14)", ratio <= 1.05));
                double cpuOff = median(cpu.get(lib + " without"));
                double cpuOn = median(cpu.get(lib + " with"));
                rows.add(row("2", "first connect + exec, " + app[0] + " (" + lib + "): process CPU at the end of `main`",
                        ms(cpuOff), ms(cpuOn), ratio(cpuOn / cpuOff), "≤ 1.15× CPU (issue 14)", cpuOn / cpuOff <= 1.15));
                double rssOff = median(rss.get(lib + " without"));
                double rssOn = median(rss.get(lib + " with"));
                rows.add(row("2", "first connect + exec, " + app[0] + " (" + lib + "): peak RSS (VmHWM)",
                        String.format("%.1f MiB", rssOff / 1024), String.format("%.1f MiB", rssOn / 1024),
                        String.format("%+.1f MiB", (rssOn - rssOff) / 1024), "≤ 5 MiB over no agent (issue 14)", rssOn - rssOff <= 5 * 1024));
                if (launch.containsKey(lib + " no-op")) { // Lifeline's own share: over the floor any agent pays
                    double wallNoop = median(launch.get(lib + " no-op"));
                    double cpuNoop = median(cpu.get(lib + " no-op"));
                    double rssNoop = median(rss.get(lib + " no-op"));
                    rows.add(row("2", "first connect + exec, " + app[0] + " (" + lib + "): over a no-op agent, wall / CPU / peak RSS",
                            "no-op agent " + ms(wallNoop) + " / " + ms(cpuNoop) + " / " + String.format("%.1f MiB", rssNoop / 1024),
                            ms(median(on)) + " / " + ms(cpuOn) + " / " + String.format("%.1f MiB", rssOn / 1024),
                            ratio(median(on) / wallNoop) + " / " + ratio(cpuOn / cpuNoop) + " / "
                                    + String.format("%+.1f MiB", (rssOn - rssNoop) / 1024),
                            "≤ 1.03× wall, ≤ 1.05× CPU, ≤ +2 MiB (issue 21)",
                            median(on) / wallNoop <= 1.03 && cpuOn / cpuNoop <= 1.05 && rssOn - rssNoop <= 2 * 1024));
                    detail.add("- " + lib + " no-op agent, launch → result: " + list(launch.get(lib + " no-op")) + "; CPU ms: "
                            + list(cpu.get(lib + " no-op")) + "; peak RSS KiB: " + list(rss.get(lib + " no-op")));
                }
                detail.add("- " + lib + " without, launch → result: " + list(off) + "; in main: " + list(inMain.get(lib + " without"))
                        + "; CPU ms: " + list(cpu.get(lib + " without")) + "; peak RSS KiB: " + list(rss.get(lib + " without")));
                detail.add("- " + lib + " with, launch → result: " + list(on) + "; in main: " + list(inMain.get(lib + " with"))
                        + "; CPU ms: " + list(cpu.get(lib + " with")) + "; peak RSS KiB: " + list(rss.get(lib + " with")));
            }
        }
        write(2, rows, detail);
    }

    // ---------------------------------------------------------------- row 3: exec round trips

    @Test
    @Order(3)
    void sequentialExecRoundTrips() throws Exception {
        onlyIfSelected(3);
        MinaServer server = mina(); // for its user and keys; the execs go to the TCP_NODELAY server
        if (noDelay == null) {
            noDelay = NoDelaySshServer.start(OUT.resolve("mina-server"));
        }
        String[] target = {"127.0.0.1", String.valueOf(noDelay.port()), server.user, server.keys.privateKey.toString()};
        int runs = runs(5, 1);
        // Steady state only: after 2000 warm-up execs the JIT is still compiling, and more so under the agent (ByteBuddy's
        // own code went through it at the first connect): 4000 execs after 2000 warm-up ones measured 0.76x (JSch) and
        // 0.79x (MINA), after 10000 or 12000 about 1.0x, both ~40% faster than after 2000
        int count = QUICK ? 200 : 3000;
        String warmup = QUICK ? "50" : "10000";
        String[][] variants = {{"without", null}, {"with", ""}, {"with, exec.timeout=1h", "exec.timeout=1h"}};
        String[][] apps = {{"JschExecThroughput", Library.JSCH_MWIEDE.dir}, {"MinaExecThroughput", Library.SSHD.dir},
                {"SshjExecThroughput", "sshj-" + Versions.SSHJ}, {"Ssh2ExecThroughput", TRILEAD_JENKINS}, {"Ssh2ExecThroughput", GANYMED}};
        Map<String, List<Double>> perSecond = new LinkedHashMap<>();
        Map<String, List<Double>> cpuPerExec = new LinkedHashMap<>();
        for (int i = 0; i < runs; i++) {
            for (String[] app : apps) {
                for (String[] v : variants) {
                    ForkedJvm.Builder b = Bench.app(app[0], app[1], Bench.defaultJdk()).echo(null)
                            .sysprop("sample.warmup", warmup).sysprop("sample.nodelay", "true")
                            .args(target).args(String.valueOf(count), EmbeddedSshServer.NOOP);
                    if (v[1] != null) {
                        Bench.withAgent(b, v[1]);
                    }
                    try (ForkedJvm p = b.start()) {
                        p.awaitExit(300_000);
                        Map<String, String> r = p.result();
                        requireOk(p, r);
                        double rate = count / (Long.parseLong(r.get("loop_us")) / 1e6);
                        perSecond.computeIfAbsent(key(app) + "|" + v[0], k -> new ArrayList<>()).add(rate);
                        // CPU of the whole client process per exec: varies less than wall time on a shared machine
                        cpuPerExec.computeIfAbsent(key(app) + "|" + v[0], k -> new ArrayList<>())
                                .add(Long.parseLong(r.getOrDefault("cpu_us", "-1")) / (double) count);
                    }
                }
            }
            log("row 3: round " + (i + 1) + "/" + runs + " " + perSecond);
        }
        List<String> rows = new ArrayList<>();
        List<String> detail = new ArrayList<>();
        detail.add("### 3. " + count + " sequential exec round trips on one session, timed after " + warmup + " untimed ones (in-process MINA server, command `"
                + EmbeddedSshServer.NOOP + "` answered without a process; TCP_NODELAY on both ends, see NoDelaySshServer), execs/s, " + runs + " runs each, interleaved");
        detail.add("");
        for (String[] app : apps) {
            List<Double> off = perSecond.get(key(app) + "|without");
            for (int v = 1; v < variants.length; v++) {
                List<Double> on = perSecond.get(key(app) + "|" + variants[v][0]);
                double ratio = median(on) / median(off);
                String agentCell = median(on) > 0 ? num(median(on)) + " execs/s" : "";
                rows.add(row("3", count + " sequential execs (after " + warmup + " warm-up ones), one session, " + app[0] + " (" + app[1] + ")"
                                + (v == 2 ? ", agent with `exec.timeout=1h` (a deadline armed and cancelled per exec)" : ""),
                        num(median(off)) + " execs/s", agentCell, ratio(ratio) + " throughput", "≥ 0.98×", ratio >= 0.98));
            }
            for (String[] v : variants) {
                detail.add("- " + key(app) + " " + v[0] + ": " + list(perSecond.get(key(app) + "|" + v[0]))
                        + "; client process CPU per exec, µs: " + list(cpuPerExec.get(key(app) + "|" + v[0])));
            }
            List<Double> cpuOff = cpuPerExec.get(key(app) + "|without");
            for (int v = 1; v < variants.length; v++) {
                List<Double> cpuOn = cpuPerExec.get(key(app) + "|" + variants[v][0]);
                detail.add("- " + key(app) + " " + variants[v][0] + ": median CPU per exec " + num(median(cpuOn)) + " µs vs "
                        + num(median(cpuOff)) + " µs without (" + ratio(median(cpuOn) / median(cpuOff)) + ")");
            }
        }
        write(3, rows, detail);
    }

    // ---------------------------------------------------------------- row 4: SFTP upload

    @Test
    @Order(4)
    void sftpUpload() throws Exception {
        onlyIfSelected(4);
        OpenSshServer server = sshd();
        int runs = runs(5, 1);
        int megabytes = QUICK ? 32 : 256;
        Path file = OUT.resolve("upload-" + megabytes + "m.bin");
        if (!Files.isRegularFile(file) || Files.size(file) != megabytes * 1024L * 1024L) {
            byte[] chunk = new byte[1024 * 1024];
            Random random = new Random(9);
            try (OutputStream o = Files.newOutputStream(file)) {
                for (int i = 0; i < megabytes; i++) {
                    random.nextBytes(chunk);
                    o.write(chunk);
                }
            }
        }
        String[][] apps = {{"JschSftpUpload", Library.JSCH_MWIEDE.dir}, {"MinaSftpUpload", Library.SSHD.dir},
                {"SshjSftpUpload", "sshj-" + Versions.SSHJ}};
        Map<String, List<Double>> mbps = new LinkedHashMap<>();
        for (int i = 0; i < runs; i++) {
            for (String[] app : apps) {
                for (boolean agent : new boolean[]{false, true}) {
                    ForkedJvm.Builder b = Bench.app(app[0], app[1], Bench.defaultJdk()).echo(null)
                            .args(server.target(file.toString(), "/dev/null"));
                    if (agent) {
                        Bench.withAgent(b, "keepalive.interval=1s");
                    }
                    try (ForkedJvm p = b.start()) {
                        p.awaitExit(300_000);
                        Map<String, String> r = p.result();
                        requireOk(p, r);
                        double rate = Long.parseLong(r.get("bytes")) / 1048576.0 / (Long.parseLong(r.get("put_us")) / 1e6);
                        mbps.computeIfAbsent(app[0] + (agent ? " with" : " without"), k -> new ArrayList<>()).add(rate);
                    }
                }
            }
            log("row 4: round " + (i + 1) + "/" + runs + " " + mbps);
        }
        List<String> rows = new ArrayList<>();
        List<String> detail = new ArrayList<>();
        detail.add("### 4. SFTP upload of " + megabytes + " MB (random bytes) to OpenSSH on loopback (remote path `/dev/null`: "
                + "transport and SFTP, no disk), agent `keepalive.interval=1s`, MB/s, " + runs + " runs each, interleaved");
        detail.add("");
        for (String[] app : apps) {
            List<Double> off = mbps.get(app[0] + " without");
            List<Double> on = mbps.get(app[0] + " with");
            double ratio = median(on) / median(off);
            rows.add(row("4", "SFTP upload " + megabytes + " MB, " + app[0] + " (" + app[1] + "), keepalive 1 s",
                    num(median(off)) + " MB/s", num(median(on)) + " MB/s", ratio(ratio) + " throughput", "≥ 0.99×", ratio >= 0.99));
            detail.add("- " + app[0] + " without: " + list(off));
            detail.add("- " + app[0] + " with: " + list(on));
        }
        write(4, rows, detail);
    }

    // ---------------------------------------------------------------- row 5: dead-peer detection

    @Test
    @Order(5)
    void deadPeerDetection() throws Exception {
        onlyIfSelected(5);
        Requirements.require(PacketDrop.available(), "needs root and nft");
        OpenSshServer server = sshd();
        int runs = runs(10, 2);
        List<Double> jsch = new ArrayList<>();
        List<Double> sshdLib = new ArrayList<>();
        List<Double> sshj = new ArrayList<>();
        List<Double> openssh = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            // the three clients side by side on the same server, under one and the same cut
            try (ForkedJvm j = Bench.withAgent(Bench.app("JschIdleShell", Library.JSCH_MWIEDE, Bench.defaultJdk()).echo(null), KEEPALIVE_1S_X3)
                    .args(server.target()).start();
                 ForkedJvm m = Bench.withAgent(Bench.app("MinaIdleChannel", Library.SSHD, Bench.defaultJdk()).echo(null), KEEPALIVE_1S_X3)
                         .args(server.target()).start();
                 ForkedJvm x = Bench.withAgent(Bench.app("SshjIdleShell", "sshj-" + Versions.SSHJ, Bench.defaultJdk()).echo(null), KEEPALIVE_1S_X3)
                         .args(server.target()).start();
                 OpenSshClient ssh = OpenSshClient.start(server, "echo READY; exec sleep 1000",
                         "ServerAliveInterval=1", "ServerAliveCountMax=3")) {
                j.awaitLine(Pattern.compile("^READY idle"), 30_000);
                m.awaitLine(Pattern.compile("^READY idle"), 30_000);
                x.awaitLine(Pattern.compile("^READY idle"), 30_000);
                ssh.awaitLine("READY");
                Thread.sleep(1500); // every client idle, its keepalive timer running
                try (PacketDrop drop = PacketDrop.on(server.port)) {
                    long t0 = System.nanoTime();
                    long jMs = -1;
                    long mMs = -1;
                    long sMs = -1;
                    long xMs = -1;
                    while ((jMs < 0 || mMs < 0 || sMs < 0 || xMs < 0) && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30)) {
                        long now = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                        if (jMs < 0 && j.resultLine() != null) {
                            jMs = now;
                        }
                        if (mMs < 0 && m.resultLine() != null) {
                            mMs = now;
                        }
                        if (xMs < 0 && x.resultLine() != null) {
                            xMs = now;
                        }
                        if (sMs < 0 && ssh.waitForExit(0)) {
                            sMs = now;
                        }
                        Thread.sleep(2);
                    }
                    if (jMs < 0 || mMs < 0 || sMs < 0 || xMs < 0) {
                        throw new AssertionError("a client did not notice the dead peer within 30 s: jsch=" + jMs + " mina=" + mMs
                                + " sshj=" + xMs + " openssh=" + sMs + "\n" + j.output() + m.output() + x.output());
                    }
                    sshj.add((double) xMs);
                    jsch.add((double) jMs);
                    sshdLib.add((double) mMs);
                    openssh.add((double) sMs);
                }
            }
            log("row 5: round " + (i + 1) + "/" + runs + " jsch=" + jsch + " mina=" + sshdLib + " sshj=" + sshj + " openssh=" + openssh);
        }
        double goal = median(openssh) + 300;
        List<String> rows = new ArrayList<>();
        rows.add(row("5", "dead peer (nft drop), keepalive 1 s × 3: OpenSSH client `ServerAliveInterval=1 ServerAliveCountMax=3` (reference)",
                "", secs(openssh), "", "reference", null));
        rows.add(row("5", "dead peer, same fault, JschIdleShell (" + Library.JSCH_MWIEDE + ") under Lifeline 1 s × 3",
                "never (hangs)", secs(jsch), "median " + signedSecs(median(jsch) - median(openssh)) + " vs OpenSSH",
                "≤ OpenSSH median + 0.3 s = " + s(goal), median(jsch) <= goal));
        rows.add(row("5", "dead peer, same fault, MinaIdleChannel (" + Library.SSHD + ") under Lifeline 1 s × 3",
                "never (hangs)", secs(sshdLib), "median " + signedSecs(median(sshdLib) - median(openssh)) + " vs OpenSSH",
                "≤ OpenSSH median + 0.3 s = " + s(goal), median(sshdLib) <= goal));
        rows.add(row("5", "dead peer, same fault, SshjIdleShell (sshj-" + Versions.SSHJ + ") under Lifeline 1 s × 3",
                "never (hangs)", secs(sshj), "median " + signedSecs(median(sshj) - median(openssh)) + " vs OpenSSH",
                "≤ OpenSSH median + 0.3 s = " + s(goal), median(sshj) <= goal));
        List<String> detail = new ArrayList<>();
        detail.add("### 5. Dead-peer detection: the four clients side by side on one OpenSSH server, idle 1.5 s, then every packet "
                + "to/from its port dropped (nft); ms from the cut to the client giving up, " + runs + " runs");
        detail.add("");
        detail.add("- OpenSSH client: " + list(openssh));
        detail.add("- JSch (JschIdleShell) under Lifeline: " + list(jsch));
        detail.add("- MINA (MinaIdleChannel) under Lifeline: " + list(sshdLib));
        detail.add("- sshj (SshjIdleShell) under Lifeline: " + list(sshj));
        write(5, rows, detail);
    }

    // ---------------------------------------------------------------- row 6: exec deadline

    @Test
    @Order(6)
    void execDeadlineFiringTime() throws Exception {
        onlyIfSelected(6);
        OpenSshServer server = sshd();
        int runs = runs(20, 2);
        List<Double> jsch = new ArrayList<>();
        List<Double> sshdLib = new ArrayList<>();
        List<Double> sshj = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            // JSch, MINA and sshj side by side (each waits 3 s doing nothing, so the pair takes the time of one)
            String jCmd = "sleep 30000." + marker(i, 1);
            String mCmd = "sleep 30000." + marker(i, 2);
            String xCmd = "sleep 30000." + marker(i, 3);
            try (ForkedJvm j = Bench.withAgent(Bench.app("JschExec", Library.JSCH_MWIEDE, Bench.defaultJdk()).echo(null), "exec.timeout=3s")
                    .args(server.targetUnprivileged(jCmd)).start();
                 ForkedJvm m = Bench.withAgent(Bench.app("MinaExec", Library.SSHD, Bench.defaultJdk()).echo(null), "exec.timeout=3s")
                         .args(server.targetUnprivileged(mCmd)).start();
                 ForkedJvm x = Bench.withAgent(Bench.app("SshjExec", "sshj-" + Versions.SSHJ, Bench.defaultJdk()).echo(null), "exec.timeout=3s")
                         .args(server.targetUnprivileged(xCmd)).start()) {
                j.awaitExit(60_000);
                m.awaitExit(60_000);
                x.awaitExit(60_000);
                jsch.add(execMs(j));
                sshdLib.add(execMs(m));
                sshj.add(execMs(x));
            } finally {
                killRemote(jCmd);
                killRemote(mCmd);
                killRemote(xCmd);
            }
            log("row 6: round " + (i + 1) + "/" + runs + " jsch=" + jsch + " mina=" + sshdLib + " sshj=" + sshj);
        }
        List<String> rows = new ArrayList<>();
        rows.add(row("6", "`exec.timeout=3s` on `sleep 30000` (OpenSSH, unprivileged user), JschExec (" + Library.JSCH_MWIEDE + "): exec → app's loop ends",
                "never (runs on)", secs(jsch), "", "≤ 3.3 s max", Stats.max(jsch) <= 3300));
        rows.add(row("6", "`exec.timeout=3s`, same, MinaExec (" + Library.SSHD + "): exec → `waitFor(CLOSED)` returns",
                "never (runs on)", secs(sshdLib), "", "≤ 3.3 s max", Stats.max(sshdLib) <= 3300));
        rows.add(row("6", "`exec.timeout=3s`, same, SshjExec (sshj-" + Versions.SSHJ + "): exec → stdout read to EOF and `join()` return",
                "never (runs on)", secs(sshj), "", "≤ 3.3 s max", Stats.max(sshj) <= 3300));
        List<String> detail = new ArrayList<>();
        detail.add("### 6. Exec deadline `exec.timeout=3s` (TERM; sshd kills the command), ms the app waited (`exec_ms`), " + runs + " runs");
        detail.add("");
        detail.add("- JschExec (polls `isClosed()` every 50 ms, as JSch's example does): " + list(jsch));
        detail.add("- MinaExec: " + list(sshdLib));
        detail.add("- SshjExec: " + list(sshj));
        write(6, rows, detail);
    }

    static String marker(int i, int which) {
        return String.valueOf(ProcessHandle.current().pid() % 1000 * 1000 + i * 10 + which);
    }

    /** The server is this machine: ends what a deadline left running (nothing, when TERM worked). */
    static void killRemote(String marker) {
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(marker) && !c.contains("java")).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }

    static double execMs(ForkedJvm app) {
        Map<String, String> r = app.result();
        if (r.get("exec_ms") == null || "ok".equals(r.get("status"))) {
            throw new AssertionError("no deadline fired: " + app.output());
        }
        return Double.parseDouble(r.get("exec_ms"));
    }

    // ---------------------------------------------------------------- row 9: dead-peer detection vs OpenSSH

    @Test
    @Order(9)
    void deadPeerDetectionVsOpenSsh() throws Exception {
        onlyIfSelected(9);
        DeadPeerVsOpenSsh.run(runs(20, 3));
    }

    // ---------------------------------------------------------------- row 7: many idle sessions

    @Test
    @Order(7)
    void manyIdleSessions() throws Exception {
        onlyIfSelected(7);
        MinaServer server = mina();
        int runs = runs(3, 1);
        int n = QUICK ? 100 : 1000;
        String[][] apps = {{"MinaManySessions", Library.SSHD.dir}, {"JschManySessions", Library.JSCH_MWIEDE.dir},
                {"SshjManySessions", "sshj-" + Versions.SSHJ}, {"Ssh2ManySessions", TRILEAD_JENKINS}, {"Ssh2ManySessions", GANYMED}};
        // per app and variant: heap per session, threads per session, base threads, base heap
        Map<String, List<Map<String, String>>> results = new LinkedHashMap<>();
        for (int i = 0; i < runs; i++) {
            for (String[] app : apps) {
                for (boolean agent : new boolean[]{false, true}) {
                    ForkedJvm.Builder b = Bench.app(app[0], app[1], Bench.defaultJdk()).echo(null).args(server.target(String.valueOf(n)));
                    if (agent) {
                        Bench.withAgent(b, null);
                    }
                    try (ForkedJvm p = b.start()) {
                        p.awaitExit(600_000);
                        Map<String, String> r = p.result();
                        requireOk(p, r);
                        results.computeIfAbsent(key(app) + (agent ? " with" : " without"), k -> new ArrayList<>()).add(r);
                    }
                }
            }
            log("row 7: round " + (i + 1) + "/" + runs);
        }
        List<String> rows = new ArrayList<>();
        List<String> detail = new ArrayList<>();
        detail.add("### 7. " + n + " concurrent idle sessions against the embedded MINA server: live threads (ThreadMXBean) and heap used "
                + "after full GCs, measured after 1 warm-up session and, with the agent, the end of its deferred start (base: JMX "
                + "registration and the look at loaded classes are fixed costs) and after " + n + " more; " + runs
                + " runs each, interleaved, medians");
        detail.add("");
        for (String[] app : apps) {
            Footprints off = new Footprints(results.get(key(app) + " without"), n);
            Footprints on = new Footprints(results.get(key(app) + " with"), n);
            double extraThreads = on.threadsAfter - off.threadsAfter;
            double extraThreadsPerSession = on.threadsPerSession - off.threadsPerSession;
            double extraBytesPerSession = on.bytesPerSession - off.bytesPerSession;
            String byDesign = app[0].startsWith("Jsch") ? " (JSch: 1 reader thread per session, by design)"
                    : app[0].startsWith("Sshj") ? " (sshj: 1 reader thread per session, by design)"
                    : app[0].startsWith("Ssh2") ? " (Trilead/Ganymed: 1 receive thread per connection, by design)" : "";
            rows.add(row("7", n + " idle sessions, " + app[0] + " (" + app[1] + "): threads" + byDesign,
                    num(off.threadsAfter) + " (" + num2(off.threadsPerSession) + "/session)",
                    num(on.threadsAfter) + " (" + num2(on.threadsPerSession) + "/session)",
                    "agent: " + signed(extraThreads) + " threads in all (" + signed2(extraThreadsPerSession) + "/session): "
                            + on.agentThreads.replace(",", ", "),
                    "≤ 1 extra thread", extraThreads <= 1));
            rows.add(row("7", n + " idle sessions, " + app[0] + " (" + app[1] + "): heap after GC per session",
                    bytes(off.bytesPerSession) + "/session", bytes(on.bytesPerSession) + "/session",
                    "agent: " + signedBytes(extraBytesPerSession) + "/session (fixed: " + signedBytes(on.heapBase - off.heapBase) + ")",
                    "≤ 1 KB/session", extraBytesPerSession <= 1024));
            for (String v : new String[]{" without", " with"}) {
                StringBuilder s = new StringBuilder("- " + key(app) + v + ": ");
                for (Map<String, String> r : results.get(key(app) + v)) {
                    s.append("[threads ").append(r.get("threads_base")).append(" → ").append(r.get("threads_after"))
                            .append(", heap ").append(r.get("heap_base")).append(" → ").append(r.get("heap_after"))
                            .append(" B, opened in ").append(r.get("open_ms")).append(" ms, agent's threads: ")
                            .append(r.get("agent_threads_after")).append("] ");
                }
                detail.add(s.toString().trim());
            }
        }
        write(7, rows, detail);
    }

    /** Medians over runs of one app and variant. */
    static final class Footprints {
        final double threadsAfter;
        final double threadsPerSession;
        final double bytesPerSession;
        final double heapBase;
        final String agentThreads;

        Footprints(List<Map<String, String>> runs, int n) {
            threadsAfter = median(field(runs, r -> d(r, "threads_after")));
            threadsPerSession = median(field(runs, r -> (d(r, "threads_after") - d(r, "threads_base")) / n));
            bytesPerSession = median(field(runs, r -> (d(r, "heap_after") - d(r, "heap_base")) / n));
            heapBase = median(field(runs, r -> d(r, "heap_base")));
            agentThreads = runs.get(runs.size() - 1).getOrDefault("agent_threads_after", "?");
        }

        static double d(Map<String, String> r, String key) {
            return Double.parseDouble(r.get(key));
        }

        static List<Double> field(List<Map<String, String>> runs, java.util.function.ToDoubleFunction<Map<String, String>> f) {
            List<Double> out = new ArrayList<>();
            for (Map<String, String> r : runs) {
                out.add(f.applyAsDouble(r));
            }
            return out;
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A row's app as its figures are keyed and listed: the class, and the copy where one class serves two (Ssh2*). */
    static String key(String[] app) {
        return app[0].startsWith("Ssh2") ? app[0] + " (" + app[1] + ")" : app[0];
    }

    static void requireOk(ForkedJvm app, Map<String, String> r) {
        if (!"ok".equals(r.get("status"))) {
            throw new AssertionError(app.name() + " did not succeed: " + r + "\n" + app.output());
        }
    }

    static void log(String s) {
        System.out.println("[benchmark " + java.time.LocalTime.now().withNano(0) + "] " + s);
        System.out.flush();
    }

    /** One summary table line: {@code met} null for a reference row. */
    static String row(String n, String what, String without, String with, String result, String goal, Boolean met) {
        return "| " + n + " | " + what + " | " + without + " | " + with + " | " + result + " | " + goal + " | "
                + (met == null ? "" : met ? "met" : "**missed**") + " |";
    }

    static void write(int row, List<String> rows, List<String> detail) throws IOException {
        Files.write(OUT.resolve("row-" + row + ".md"), (String.join("\n", rows) + "\n").getBytes(StandardCharsets.UTF_8));
        Files.write(OUT.resolve("detail-" + row + ".md"), (String.join("\n", detail) + "\n").getBytes(StandardCharsets.UTF_8));
        rows.forEach(BenchmarkSuite::log);
    }

    static double median(List<Double> v) {
        return Stats.median(v);
    }

    static String list(List<Double> v) {
        StringBuilder b = new StringBuilder();
        for (double d : v) {
            b.append(b.length() == 0 ? "" : ", ").append(num(d));
        }
        return b.toString();
    }

    static String ms(double v) {
        return String.format(Locale.ROOT, "%.0f ms", v);
    }

    static String s(double millis) {
        return String.format(Locale.ROOT, "%.2f s", millis / 1000);
    }

    static String signedSecs(double millis) {
        return String.format(Locale.ROOT, "%+.2f s", millis / 1000);
    }

    /** min / median / max in seconds. */
    static String secs(List<Double> v) {
        return String.format(Locale.ROOT, "%.2f / **%.2f** / %.2f s", Stats.min(v) / 1000, median(v) / 1000, Stats.max(v) / 1000);
    }

    static String ratio(double r) {
        return String.format(Locale.ROOT, "%.3f×", r);
    }

    static String num(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String num2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String signed(double v) {
        return String.format(Locale.ROOT, "%+.0f", v);
    }

    static String signed2(double v) {
        return String.format(Locale.ROOT, "%+.3f", v);
    }

    static String bytes(double v) {
        return Math.abs(v) >= 10 * 1024 ? String.format(Locale.ROOT, "%.1f KB", v / 1024) : String.format(Locale.ROOT, "%.0f B", v);
    }

    static String signedBytes(double v) {
        return Math.abs(v) >= 1024 * 1024 ? String.format(Locale.ROOT, "%+.1f MB", v / 1048576)
                : Math.abs(v) >= 10 * 1024 ? String.format(Locale.ROOT, "%+.1f KB", v / 1024) : String.format(Locale.ROOT, "%+.0f B", v);
    }

    static final class Stats {
        static double median(List<Double> v) {
            List<Double> s = new ArrayList<>(v);
            s.sort(null);
            int n = s.size();
            return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
        }

        static double min(List<Double> v) {
            return v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        }

        static double max(List<Double> v) {
            return v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        }
    }
}
