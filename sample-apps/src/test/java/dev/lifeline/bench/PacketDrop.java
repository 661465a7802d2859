package dev.lifeline.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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

    static boolean available() {
        return Requirements.isRoot() && (Files.isExecutable(Paths.get("/usr/sbin/nft")) || Files.isExecutable(Paths.get("/sbin/nft")));
    }

    static PacketDrop on(int port) throws Exception {
        Requirements.require(available(), "needs root and nft (Debian nftables) to drop packets on a loopback port");
        String table = "lifeline_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        String rules = "table inet " + table + " {\n"
                + "  chain in { type filter hook input priority -10; policy accept;\n"
                + "    iifname \"lo\" tcp dport " + port + " drop\n"
                + "    iifname \"lo\" tcp sport " + port + " drop\n  }\n"
                + "  chain out { type filter hook output priority -10; policy accept;\n"
                + "    oifname \"lo\" tcp dport " + port + " drop\n"
                + "    oifname \"lo\" tcp sport " + port + " drop\n  }\n"
                + "}\n";
        Process p = new ProcessBuilder("nft", "-f", "-").redirectErrorStream(true).start();
        p.getOutputStream().write(rules.getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("nft failed: " + out);
        }
        LIVE.add(table);
        return new PacketDrop(port, table);
    }

    @Override
    public void close() {
        deleteTable(table);
        LIVE.remove(table);
    }

    private static void deleteTable(String table) {
        try {
            Process p = new ProcessBuilder("nft", "delete", "table", "inet", table).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(20, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // best effort: the table may already be gone
        }
    }
}
