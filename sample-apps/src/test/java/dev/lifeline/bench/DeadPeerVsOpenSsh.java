package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static dev.lifeline.bench.BenchmarkSuite.Stats;
import static dev.lifeline.bench.BenchmarkSuite.median;

/**
 * Row 9 of the benchmark (issue 25: "detection at 1 s × 3 within OpenSSH's own median on the same fault, measured side
 * by side"): OpenSSH's own {@code ssh} ({@code ServerAliveInterval=1}, {@code ServerAliveCountMax=3}, {@code BatchMode},
 * the test key) and each library under Lifeline at {@code keepalive.interval=1s,keepalive.countMax=3}, every one with an
 * idle session to the same real OpenSSH server; every packet to and from its port is then dropped (nft), and each
 * client's time from the cut to giving up is taken. All clients of a round share one cut (the same fault at the same
 * instant, so the machine's load at that moment weighs on all alike); the cut comes 1.5 s after the last client is idle
 * plus a random part of a second, so that over the rounds it falls anywhere in the clients' keepalive seconds. Medians,
 * and each library's median over OpenSSH's. Only measured, never asserted: {@link BenchmarkSuite} runs it as row 9.
 */
final class DeadPeerVsOpenSsh {
    static final String OPENSSH = "OpenSSH ssh";

    /** {label, app, library directory}: the libraries, each idle on a session (a blocked shell read or channel wait). */
    static final String[][] CLIENTS = {
            {"JSch " + Versions.JSCH_MWIEDE + " (JschIdleShell)", "JschIdleShell", Library.JSCH_MWIEDE.dir},
            {"MINA " + Versions.SSHD + " (MinaIdleChannel)", "MinaIdleChannel", Library.SSHD.dir},
            {"MINA " + Versions.SSHD_LEGACY + " (MinaIdleChannel)", "MinaIdleChannel", Library.SSHD_LEGACY.dir},
            {"sshj " + Versions.SSHJ + " (SshjIdleShell)", "SshjIdleShell", "sshj-" + Versions.SSHJ},
            {"Trilead build222 (Ssh2Exec idle)", "Ssh2Exec", "trilead-build222"},
    };

    private DeadPeerVsOpenSsh() {
    }

    /** On a server of its own: Trilead needs a key exchange OpenSSH 9 leaves off by default (as {@link Ssh2FamilyTest}'s). */
    static void run(int rounds) throws Exception {
        Requirements.require(PacketDrop.available(), "needs root and nft");
        try (OpenSshServer server = OpenSshServer.start(Ssh2FamilyTest.OLD_ALGORITHMS)) {
            run(server, rounds);
        }
    }

    private static void run(OpenSshServer server, int rounds) throws Exception {
        Map<String, List<Double>> ms = new LinkedHashMap<>();
        ms.put(OPENSSH, new ArrayList<>());
        for (String[] c : CLIENTS) {
            ms.put(c[0], new ArrayList<>());
        }
        Random random = new Random();
        for (int round = 0; round < rounds; round++) {
            Map<String, ForkedJvm> apps = new LinkedHashMap<>();
            try (OpenSshClient ssh = OpenSshClient.start(server, "echo READY; exec sleep 1000",
                    "ServerAliveInterval=1", "ServerAliveCountMax=3")) {
                for (String[] c : CLIENTS) {
                    apps.put(c[0], idle(server, c));
                }
                ssh.awaitLine("READY");
                Thread.sleep(1500 + random.nextInt(1000)); // all idle, their keepalives running; the cut anywhere in a second
                Map<String, Long> gaveUp = new LinkedHashMap<>();
                try (PacketDrop drop = PacketDrop.on(server.port)) {
                    long t0 = System.nanoTime();
                    while (gaveUp.size() < apps.size() + 1 && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30)) {
                        long now = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                        if (!gaveUp.containsKey(OPENSSH) && ssh.waitForExit(0)) {
                            gaveUp.put(OPENSSH, now);
                        }
                        for (Map.Entry<String, ForkedJvm> e : apps.entrySet()) {
                            if (!gaveUp.containsKey(e.getKey()) && e.getValue().resultLine() != null) {
                                gaveUp.put(e.getKey(), now);
                            }
                        }
                        Thread.sleep(2);
                    }
                }
                if (gaveUp.size() < apps.size() + 1) {
                    StringBuilder out = new StringBuilder();
                    apps.forEach((k, v) -> out.append(k).append(":\n").append(v.output()));
                    throw new AssertionError("a client did not notice the dead peer within 30 s: " + gaveUp + "\n" + out);
                }
                gaveUp.forEach((k, v) -> ms.get(k).add((double) v));
            } finally {
                apps.values().forEach(ForkedJvm::close);
            }
            BenchmarkSuite.log("row 9: round " + (round + 1) + "/" + rounds + " " + ms);
        }
        write(ms, rounds);
    }

    /**
     * One client, idle on its session. They start one after another, each key exchange on a machine the others leave
     * alone. A client that fails to connect says nothing of dead-peer detection: it is started again, up to three times
     * (until 6ab7be2 Lifeline set JSch's 1 s interval before the connect, which JSch also uses as its key-exchange
     * wait, and a loaded machine failed connects so; now the interval is set after the connect, see SlowLinkTest).
     */
    private static ForkedJvm idle(OpenSshServer server, String[] client) throws Exception {
        String[] args = client[1].equals("Ssh2Exec") ? server.target("idle") : server.target();
        for (int attempt = 1; ; attempt++) {
            ForkedJvm app = Bench.withAgent(Bench.app(client[1], client[2], Bench.defaultJdk()).echo(null),
                    BenchmarkSuite.KEEPALIVE_1S_X3).args(args).start();
            String line = app.awaitLine(Pattern.compile("^(READY idle|RESULT )"), 60_000);
            if (line.startsWith("READY")) {
                return app;
            }
            app.close();
            if (attempt == 3) {
                throw new AssertionError(client[0] + " did not connect, 3 times: " + app.output());
            }
            BenchmarkSuite.log("row 9: " + client[0] + " did not connect (" + line + "), started again");
        }
    }

    private static void write(Map<String, List<Double>> ms, int rounds) throws Exception {
        List<Double> ref = ms.get(OPENSSH);
        double refMedian = median(ref);
        List<String> rows = new ArrayList<>();
        List<String> detail = new ArrayList<>();
        rows.add(BenchmarkSuite.row("9", "dead peer (nft drop on a real OpenSSH server's port), idle session, 1 s × 3: "
                        + "OpenSSH's `ssh -o ServerAliveInterval=1 -o ServerAliveCountMax=3` (reference), cut → exit",
                "", BenchmarkSuite.secs(ref), "", "reference", null));
        detail.add("### 9. Dead-peer detection side by side with OpenSSH's client: every client idle on the same OpenSSH server, one nft cut "
                + "per round 1.5–2.5 s after the last is idle; ms from the cut to the client giving up, " + rounds + " rounds");
        detail.add("");
        detail.add("- " + OPENSSH + ": " + BenchmarkSuite.list(ref));
        for (String[] c : CLIENTS) {
            List<Double> v = ms.get(c[0]);
            double ratio = median(v) / refMedian;
            List<Double> diff = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                diff.add(v.get(i) - ref.get(i));
            }
            rows.add(BenchmarkSuite.row("9", "same fault, " + c[0] + " under Lifeline 1 s × 3, cut → app's wait ends",
                    "never (hangs)", BenchmarkSuite.secs(v),
                    BenchmarkSuite.ratio(ratio) + " of OpenSSH's median (" + BenchmarkSuite.signedSecs(median(v) - refMedian)
                            + "; per round, median " + BenchmarkSuite.signedSecs(median(diff)) + ")",
                    "≤ OpenSSH's median (issue 25)", ratio <= 1.0));
            detail.add("- " + c[0] + ": " + BenchmarkSuite.list(v) + String.format(Locale.ROOT,
                    " (minus OpenSSH's of the same round: min %+.0f, median %+.0f, max %+.0f ms)",
                    Stats.min(diff), median(diff), Stats.max(diff)));
        }
        BenchmarkSuite.write(9, rows, detail);
    }
}
