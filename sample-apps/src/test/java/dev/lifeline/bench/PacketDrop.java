package dev.lifeline.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cut cable on one loopback TCP port: every packet to or from it is silently dropped by an nft rule, so neither side
 * sees a reset or a FIN. One nft table per instance, deleted on close and, as a last resort, at JVM exit.
 */
final class PacketDrop implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(PacketDrop::deleteTable), "packet-drop-cleanup"));
    }

    final int port;
    private final String table;

    private PacketDrop(int port, String table) {
        this.port = port;
        this.table = table;
    }

    private static volatile Boolean available;

    /** Root, and nft really answers (a container without CAP_NET_ADMIN has the binary but no netfilter). */
    static boolean available() {
        Boolean a = available;
        if (a == null) {
            a = Requirements.isRoot() && nft("list", "tables") != null;
            if (a) {
                deleteTablesOfDeadJvms();
            }
            available = a;
        }
        return a;
    }

    static PacketDrop on(int port) throws Exception {
        Requirements.require(available(), "needs root and a working nft (Debian: apt-get install nftables) to drop packets on a loopback port");
        String table = "lifeline_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        String rules = "table inet " + table + " {\n"
                + "  chain in { type filter hook input priority -10; policy accept;\n"
                + "    iifname \"lo\" tcp dport " + port + " drop\n"
                + "    iifname \"lo\" tcp sport " + port + " drop\n  }\n"
                + "  chain out { type filter hook output priority -10; policy accept;\n"
                + "    oifname \"lo\" tcp dport " + port + " drop\n"
                + "    oifname \"lo\" tcp sport " + port + " drop\n  }\n"
                + "}\n";
        load(rules, table);
        return new PacketDrop(port, table);
    }

    /**
     * A port with nothing listening, to drop packets on (a connect whose SYN goes unanswered) or to be refused on: one
     * no socket holds, below the kernel's ephemeral range ({@code ip_local_port_range}). A port from that range, as
     * {@link OpenSshServer#freePort()} gives, is free again once its socket is closed: the next {@code bind(0)} (any
     * test's sshd, here or in a parallel session) or an outgoing connection could take it meanwhile, and hang on the
     * dropped packets for no reason of its own, or make the refused port answer.
     */
    static int unboundPort() throws IOException {
        int low = 32768;
        try {
            // readAllLines: readAllBytes returns only the first byte of this sysctl file (it reports size 0)
            String range = Files.readAllLines(Paths.get("/proc/sys/net/ipv4/ip_local_port_range")).get(0);
            low = Integer.parseInt(range.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            // not Linux, or unreadable: the kernel's default range starts at 32768
        }
        if (low < 4096) {
            throw new IOException("ephemeral range starts at " + low + ": no room below it for a dropped port");
        }
        int from = Math.min(20000, low / 2);
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = from + ThreadLocalRandom.current().nextInt(low - from);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // a service of the machine listens there: another one
            }
        }
        throw new IOException("no unbound port below the ephemeral range (from " + low + ")");
    }

    /**
     * Waits for the app's {@code READY <readyLine>}, cuts the cable to {@code port}, and returns the milliseconds
     * until the app prints its RESULT line: the time the app took to notice the dead peer.
     */
    static long millisUntilAppGivesUp(dev.lifeline.samples.ForkedJvm app, String readyLine, int port) throws Exception {
        app.awaitLine(java.util.regex.Pattern.compile("^READY " + readyLine), 30_000);
        try (PacketDrop drop = on(port)) {
            long t0 = System.nanoTime();
            app.awaitLine(java.util.regex.Pattern.compile("^RESULT "), 60_000);
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        }
    }

    private static void load(String rules, String table) throws Exception {
        Process p = new ProcessBuilder("nft", "-f", "-").redirectErrorStream(true).start();
        p.getOutputStream().write(rules.getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("nft failed: " + out);
        }
        LIVE.add(table);
    }

    @Override
    public void close() {
        deleteTable(table);
        LIVE.remove(table);
    }

    private static void deleteTable(String table) {
        nft("delete", "table", "inet", table); // best effort: null when the table is already gone
    }

    /** A JVM killed with SIGKILL runs no shutdown hook: its tables would drop that port for every later run. */
    private static void deleteTablesOfDeadJvms() {
        String tables = nft("list", "tables");
        Matcher m = Pattern.compile("table inet (lifeline_test_(\\d+)_\\d+)").matcher(tables == null ? "" : tables);
        while (m.find()) {
            long pid = Long.parseLong(m.group(2));
            if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
                deleteTable(m.group(1));
            }
        }
    }

    /** nft's output, or null if it failed or is missing. */
    private static String nft(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("nft");
        cmd.addAll(Arrays.asList(args));
        return OpenSshServer.outputOrNull(cmd.toArray(new String[0]));
    }
}
