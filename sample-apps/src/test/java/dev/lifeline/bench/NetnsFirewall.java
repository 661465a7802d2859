package dev.lifeline.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stateful firewall that forgets idle flows, as NAT gateways and cloud load balancers do, in a network namespace of
 * its own: namespace {@code llfw-<pid>-<n>}, joined to the root namespace by a veth pair ({@code llfw<block>a} here,
 * {@code llfw<block>b} there) with a /30 of 10.231.0.0/16 (root side .1, namespace side .2). In the namespace an nft
 * table tracks connections with an established-flow timeout of {@code flowTimeoutSeconds} (a {@code ct timeout} object
 * set on the flows to {@link #port}), accepts established and related packets, new connections to {@link #port} only
 * by a SYN, and drops everything else in, and the rest of {@link #port}'s traffic out. A flow idle for longer is
 * forgotten, and its next packet, in either direction, silently dropped: neither side sees a reset.
 *
 * <p>{@code nf_conntrack_tcp_loose} is set to 0 in the namespace, so a mid-stream packet of a forgotten flow is
 * {@code invalid} rather than a new flow picked up mid-stream (the SYN-only rule for new flows would drop it anyway).
 *
 * <p>Only this namespace and its veth pair are touched; nothing in the root namespace is filtered. Everything is
 * deleted on close, at JVM exit, and, for a JVM killed with SIGKILL, by the first later use in any JVM (namespaces and
 * links whose pid is dead). Processes still in the namespace (e.g. an sshd left by a killed JVM) are killed first, as
 * they would keep it alive.
 */
final class NetnsFirewall implements AutoCloseable {
    static final String SUBNET = "10.231.0.0/16";
    private static final int BLOCKS = 1 << 14; // /30s in the /16
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Set<NetnsFirewall> LIVE = ConcurrentHashMap.newKeySet();
    private static final Pattern NAMESPACE = Pattern.compile("^(llfw-(\\d+)-\\d+)\\b", Pattern.MULTILINE);
    /** {@code ip -o link show}: one line per link, its name and the rest (alias, link-netns). */
    private static final Pattern OWNED_LINK = Pattern.compile("^\\d+: (llfw\\d+a)[@:](.*)$", Pattern.MULTILINE);
    private static final Pattern OWNER = Pattern.compile("(?:alias|link-netns) (llfw-(\\d+)-\\d+)");

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(NetnsFirewall::close), "netns-firewall-cleanup"));
    }

    /** {@code llfw-<pid>-<n>}. */
    final String namespace;
    /** The veth end in the root namespace, and its peer in {@link #namespace}. */
    final String rootLink;
    final String nsLink;
    /** The root side's address (where the apps' packets come from) and the namespace side's (where sshd listens). */
    final String rootAddress;
    final String nsAddress;
    final int port;

    private NetnsFirewall(String namespace, int block, int port) {
        this.namespace = namespace;
        this.rootLink = "llfw" + block + "a";
        this.nsLink = "llfw" + block + "b";
        int base = block * 4;
        String prefix = "10.231." + (base >> 8) + ".";
        this.rootAddress = prefix + ((base & 255) + 1);
        this.nsAddress = prefix + ((base & 255) + 2);
        this.port = port;
    }

    private static volatile Boolean available;

    /** Root, {@code ip netns} and nft really answer (a container without CAP_NET_ADMIN/CAP_SYS_ADMIN has the binaries). */
    static boolean available() {
        Boolean a = available;
        if (a == null) {
            a = Requirements.isRoot() && exec("ip", "netns", "list") != null && exec("nft", "list", "tables") != null;
            if (a) {
                deleteLeftoversOfDeadJvms();
            }
            available = a;
        }
        return a;
    }

    /**
     * A namespace whose firewall forgets flows to {@code port} idle for {@code flowTimeoutSeconds}; start the server in
     * it (e.g. {@code OpenSshServer.builder().inNetns(fw.namespace, fw.nsAddress).port(fw.port)}) and connect to
     * {@link #nsAddress} from here.
     */
    static NetnsFirewall forgettingIdleFlows(int port, int flowTimeoutSeconds) throws Exception {
        Requirements.require(available(), "needs root, ip netns (Debian: iproute2) and a working nft (Debian: nftables)");
        long pid = ProcessHandle.current().pid();
        int n = COUNTER.incrementAndGet();
        String namespace = "llfw-" + pid + "-" + n;
        run("ip", "netns", "add", namespace);
        int start = (int) Math.floorMod(pid * 61 + n * 7L, BLOCKS); // parallel JVMs start apart
        NetnsFirewall fw = null;
        try {
            // the link name is the lock on a /30: "ip link add" fails if another JVM holds it. The peer is made in the
            // namespace, so the pair goes with it, and "ip link" names its owner (link-netns) from the first moment
            for (int i = 0; i < 256 && fw == null; i++) {
                NetnsFirewall candidate = new NetnsFirewall(namespace, (start + i) % BLOCKS, port);
                String inUse = exec("ip", "-o", "addr", "show", "to", candidate.rootAddress + "/30");
                if ((inUse == null || !inUse.isBlank())
                        || exec("ip", "link", "add", candidate.rootLink, "type", "veth", "peer", "name", candidate.nsLink,
                        "netns", namespace) == null) {
                    continue;
                }
                fw = candidate;
            }
            if (fw == null) {
                throw new IllegalStateException("no free veth name / /30 in " + SUBNET + " from block " + start);
            }
        } catch (Exception | Error e) {
            exec("ip", "netns", "del", namespace);
            throw e;
        }
        LIVE.add(fw);
        try {
            fw.setUp(flowTimeoutSeconds);
        } catch (Exception | Error e) {
            fw.close();
            throw e;
        }
        return fw;
    }

    private void setUp(int flowTimeoutSeconds) throws Exception {
        run("ip", "link", "set", rootLink, "alias", namespace);
        run("ip", "addr", "add", rootAddress + "/30", "dev", rootLink);
        run("ip", "link", "set", rootLink, "up");
        run("ip", "-n", namespace, "addr", "add", nsAddress + "/30", "dev", nsLink);
        run("ip", "-n", namespace, "link", "set", nsLink, "up");
        run("ip", "-n", namespace, "link", "set", "lo", "up");
        String rules = "table inet lifeline_fw {\n"
                + "  ct timeout idle_flow {\n    protocol tcp;\n    l3proto ip;\n    policy = { established: "
                + flowTimeoutSeconds + " };\n  }\n"
                + "  chain in { type filter hook input priority filter; policy drop;\n"
                + "    iif lo accept\n"
                // on the first packet (SYN), while the flow is unconfirmed: later packets cannot change the timeout
                + "    tcp dport " + port + " ct timeout set \"idle_flow\"\n"
                + "    ct state established,related accept\n"
                + "    tcp dport " + port + " tcp flags & (syn|ack) == syn ct state new accept\n  }\n"
                + "  chain out { type filter hook output priority filter; policy accept;\n"
                + "    oif lo accept\n"
                + "    ct state established,related accept\n"
                + "    tcp sport " + port + " drop\n"
                + "    tcp dport " + port + " drop\n  }\n"
                + "}\n";
        Process p = new ProcessBuilder("ip", "netns", "exec", namespace, "nft", "-f", "-").redirectErrorStream(true).start();
        p.getOutputStream().write(rules.getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("nft in " + namespace + " failed: " + out + "\n" + rules);
        }
        // a per-namespace sysctl; a new namespace starts with the default, 1
        run("ip", "netns", "exec", namespace, "sysctl", "-q", "-w", "net.netfilter.nf_conntrack_tcp_loose=0");
    }

    /**
     * The seconds each established flow to {@link #port} has left in the namespace's conntrack table (at most the flow
     * timeout once it is applied; 432000, five days, by default).
     */
    List<Integer> establishedFlowsSecondsLeft() {
        String table = exec("ip", "netns", "exec", namespace, "cat", "/proc/net/nf_conntrack");
        if (table == null) {
            throw new IllegalStateException("cannot read /proc/net/nf_conntrack in " + namespace);
        }
        List<Integer> left = new ArrayList<>();
        for (String line : table.split("\n")) {
            // ipv4     2 tcp      6 4 ESTABLISHED src=10.231.0.5 dst=10.231.0.6 sport=41234 dport=22 ...
            String[] f = line.trim().split("\\s+");
            if (f.length > 5 && f[2].equals("tcp") && f[5].equals("ESTABLISHED") && line.contains(" dport=" + port + " ")) {
                left.add(Integer.parseInt(f[4]));
            }
        }
        return left;
    }

    /** The namespace's ruleset and conntrack table (with each flow's remaining seconds), for a failure message. */
    String describe() {
        String rules = exec("ip", "netns", "exec", namespace, "nft", "list", "ruleset");
        String flows = exec("ip", "netns", "exec", namespace, "cat", "/proc/net/nf_conntrack");
        return namespace + " " + rootLink + " " + rootAddress + " <-> " + nsLink + " " + nsAddress + "\n" + rules
                + "\nconntrack:\n" + flows;
    }

    @Override
    public void close() {
        delete(namespace, rootLink);
        LIVE.remove(this);
    }

    /**
     * Kills what still runs in the namespace (it would keep the namespace alive), unmounts it and deletes the veth pair.
     * No wait for the kills: a namespace outlives its name until its last process is gone, and the pair is deleted by
     * its root end here (or, for a killed JVM's, by alias in {@link #deleteLeftoversOfDeadJvms}).
     */
    private static void delete(String namespace, String rootLink) {
        String pids = exec("ip", "netns", "pids", namespace);
        if (pids != null) {
            for (String pid : pids.split("\\s+")) {
                if (!pid.isEmpty()) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
        exec("ip", "netns", "del", namespace); // best effort: null when already gone
        if (rootLink != null && Files.exists(Paths.get("/sys/class/net", rootLink))) {
            exec("ip", "link", "del", rootLink);
        }
    }

    /** A JVM killed with SIGKILL runs no shutdown hook: its namespace, sshd and veth pair would stay. */
    private static void deleteLeftoversOfDeadJvms() {
        String list = exec("ip", "netns", "list");
        Matcher m = NAMESPACE.matcher(list == null ? "" : list);
        while (m.find()) {
            if (isDead(Long.parseLong(m.group(2)))) {
                delete(m.group(1), null);
            }
        }
        // the pair dies with its namespace (asynchronously); a root end still there names its owner by alias or by
        // its peer's namespace (link-netns): delete it if that JVM is dead, or if neither is left to say
        String links = exec("ip", "-o", "link", "show");
        Matcher l = OWNED_LINK.matcher(links == null ? "" : links);
        while (l.find()) {
            Matcher owner = OWNER.matcher(l.group(2));
            if (!owner.find() || isDead(Long.parseLong(owner.group(2)))) {
                exec("ip", "link", "del", l.group(1));
            }
        }
    }

    private static boolean isDead(long pid) {
        return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }

    private static void run(String... cmd) throws Exception {
        OpenSshServer.run(cmd);
    }

    /** The command's output, or null if it failed or is missing. */
    private static String exec(String... cmd) {
        return OpenSshServer.outputOrNull(cmd);
    }
}
