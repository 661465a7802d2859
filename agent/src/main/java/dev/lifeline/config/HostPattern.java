package dev.lifeline.config;

import java.net.InetAddress;
import java.util.Locale;

/**
 * One pattern of a rule's {@code match}: a host glob ({@code *.prod.example.com}), an IP literal or CIDR
 * ({@code 10.0.0.0/8}, {@code fd00::/8}), optionally with {@code :port} ({@code *:2222}, {@code [::1]:22}), optionally
 * negated with {@code !}.
 */
final class HostPattern {
    static final String ACCEPTED = "space-separated patterns: host glob (*.example.com), IP or CIDR (10.0.0.0/8, fd00::/8), "
            + "each optionally with :port (*:2222, [fd00::/8]:22), ! to negate";

    final boolean negated;
    private final String glob;         // lower case; null for IP patterns
    private final byte[] network;      // null for globs
    private final int prefixBits;
    private final int port;            // -1 = any

    private HostPattern(boolean negated, String glob, byte[] network, int prefixBits, int port) {
        this.negated = negated;
        this.glob = glob;
        this.network = network;
        this.prefixBits = prefixBits;
        this.port = port;
    }

    /** @throws IllegalArgumentException naming what is wrong with {@code text} */
    static HostPattern parse(String text) {
        String s = text;
        boolean negated = s.startsWith("!");
        if (negated) {
            s = s.substring(1);
        }
        int port = -1;
        String hostPart = s;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "': missing ]");
            }
            hostPart = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("'" + text + "': expected :port after ]");
                }
                port = parsePort(rest.substring(1), text);
            }
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            int colon = s.indexOf(':');
            hostPart = s.substring(0, colon);
            port = parsePort(s.substring(colon + 1), text);
        }
        if (hostPart.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "': empty host");
        }
        int slash = hostPart.indexOf('/');
        if (slash >= 0 || looksLikeIp(hostPart)) {
            String addr = slash >= 0 ? hostPart.substring(0, slash) : hostPart;
            byte[] bytes = ipLiteral(addr);
            if (bytes == null) {
                throw new IllegalArgumentException("'" + text + "': '" + addr + "' is not an IP address");
            }
            int bits = bytes.length * 8;
            if (slash >= 0) {
                String p = hostPart.substring(slash + 1);
                if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > bits) {
                    throw new IllegalArgumentException("'" + text + "': prefix length must be 0 to " + bits);
                }
                bits = Integer.parseInt(p);
            }
            return new HostPattern(negated, null, bytes, bits, port);
        }
        if (!hostPart.matches("[A-Za-z0-9*?._-]+")) {
            throw new IllegalArgumentException("'" + text + "': a host glob may hold letters, digits, . - _ * ?");
        }
        return new HostPattern(negated, hostPart.toLowerCase(Locale.ROOT), null, 0, port);
    }

    /**
     * For a CIDR block written with host bits ({@code 10.0.0.1/8}): the network it means ({@code 10.0.0.0/8}), which
     * is how it matches. Null for globs, single addresses and clean blocks.
     */
    String networkIfHostBitsSet() {
        if (network == null || prefixBits == network.length * 8) {
            return null;
        }
        byte[] masked = network.clone();
        for (int bit = prefixBits; bit < masked.length * 8; bit++) {
            masked[bit / 8] &= (byte) ~(0x80 >> (bit % 8));
        }
        if (java.util.Arrays.equals(masked, network)) {
            return null;
        }
        try {
            String a = InetAddress.getByAddress(masked).getHostAddress();
            if (masked.length == 16) {
                a = compressIpv6(a);
            }
            return a + "/" + prefixBits;
        } catch (java.net.UnknownHostException e) {
            return null; // 4 or 16 bytes: cannot happen
        }
    }

    /** 0:0:0:0:0:0:0:0 -> ::, fd00:0:0:0:0:0:0:0 -> fd00:: (the longest run of zero groups). */
    private static String compressIpv6(String full) {
        String[] g = full.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < g.length; ) {
            if (g[i].equals("0")) {
                int j = i;
                while (j < g.length && g[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < bestStart; i++) {
            b.append(i > 0 ? ":" : "").append(g[i]);
        }
        b.append("::");
        for (int i = bestStart + bestLen; i < g.length; i++) {
            b.append(g[i]).append(i < g.length - 1 ? ":" : "");
        }
        return b.toString();
    }

    boolean matches(String host, byte[] hostAddress, int hostPort) {
        if (port >= 0 && port != hostPort) {
            return false;
        }
        if (glob != null) {
            return host != null && globMatches(glob, host.toLowerCase(Locale.ROOT));
        }
        return hostAddress != null && inNetwork(hostAddress);
    }

    private boolean inNetwork(byte[] addr) {
        if (addr.length != network.length) {
            return false;
        }
        int full = prefixBits / 8;
        for (int i = 0; i < full; i++) {
            if (addr[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixBits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (addr[full] & mask) == (network[full] & mask);
    }

    /** The address a host string names literally, without DNS; null when it is a name. */
    static byte[] ipLiteral(String s) {
        if (s.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
            String[] parts = s.split("\\.");
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    return null;
                }
                b[i] = (byte) v;
            }
            return b;
        }
        if (s.indexOf(':') >= 0 && s.matches("[0-9A-Fa-f:.%a-zA-Z0-9]+")) {
            try {
                // a string containing ':' is parsed as a literal: no name lookup happens
                return InetAddress.getByName(s.startsWith("[") ? s : "[" + s + "]").getAddress();
            } catch (Exception e) {
                return null;
            }
        }
        return null;
    }

    private static boolean looksLikeIp(String s) {
        return s.matches("[0-9.]+") || (s.indexOf(':') >= 0);
    }

    private static int parsePort(String p, String text) {
        if (p.equals("*")) {
            return -1;
        }
        if (!p.matches("[0-9]{1,5}") || Integer.parseInt(p) < 1 || Integer.parseInt(p) > 65535) {
            throw new IllegalArgumentException("'" + text + "': port must be 1 to 65535 or *");
        }
        return Integer.parseInt(p);
    }

    /**
     * {@code *} (any run, also empty) and {@code ?} (one character) against {@code text}, greedy with one saved
     * backtrack point: O(pattern x text) at worst whatever the number of {@code *}. A regex ({@code .*a.*a.*b})
     * backtracks exponentially on a near-miss, in the application's connecting thread.
     */
    static boolean globMatches(String glob, String text) {
        int p = 0;
        int t = 0;
        int star = -1;     // position in glob just after the last * seen
        int starText = 0;  // where in text that * currently ends
        while (t < text.length()) {
            if (p < glob.length() && (glob.charAt(p) == '?' || glob.charAt(p) == text.charAt(t))) {
                p++;
                t++;
            } else if (p < glob.length() && glob.charAt(p) == '*') {
                star = ++p;
                starText = t;
            } else if (star >= 0) {
                // let the last * take one more character; earlier stars never need to move (their tails are free)
                p = star;
                t = ++starText;
            } else {
                return false;
            }
        }
        while (p < glob.length() && glob.charAt(p) == '*') {
            p++;
        }
        return p == glob.length();
    }
}
