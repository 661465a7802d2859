package dev.lifeline.policy;

import dev.lifeline.config.Config;
import dev.lifeline.config.Mode;
import dev.lifeline.config.Policy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Where library code gets its policy for one connection. The agent's runtime sets the source once; until then (and
 * while the agent is inactive) every lookup answers null, which library code reads as "change nothing".
 */
public final class Policies {
    /** The active configuration, and whether Lifeline may change anything at all. */
    public interface Source {
        Config config();

        boolean active();
    }

    private static volatile Source source;

    private Policies() {
    }

    public static void use(Source s) {
        source = s;
    }

    /** @return the policy, or null when Lifeline is inactive or the mode for this host is off */
    public static Policy forHost(String host, InetAddress address, int port) {
        Source s = source;
        if (s == null || host == null || !s.active()) {
            return null;
        }
        Policy p = s.config().policyFor(host, address, port);
        return p.mode() == Mode.OFF ? null : p;
    }

    /**
     * The configuration {@link #forHost} answers from now, or null when Lifeline is inactive: a caller that memoizes a
     * policy per session keeps it while this stays the same object (a reload or setMode replaces it).
     */
    public static Config activeConfig() {
        Source s = source;
        return s == null || !s.active() ? null : s.config();
    }

    /**
     * Why a deadline armed under {@code armed} must stand down when it comes due, or null when it still applies: since
     * it was armed, Lifeline became inactive or the mode for its host turned off (a reload, {@code setMode}). With no
     * source (tests, tools) it applies.
     */
    public static String standDownReason(Policy armed) {
        Source s = source;
        if (s == null || armed == null) {
            return null;
        }
        if (!s.active()) {
            return "Lifeline is inactive now";
        }
        Policy now = s.config().policyFor(armed.host(), null, armed.port());
        return now.mode() == Mode.OFF ? "mode=off now (" + now.source("mode") + ")" : null;
    }

    /** The same for a socket address as MINA reports it (the host name the app connected to, where it used one). */
    public static Policy forAddress(SocketAddress address) {
        if (!(address instanceof InetSocketAddress)) {
            return null;
        }
        InetSocketAddress a = (InetSocketAddress) address;
        return forHost(a.getHostString(), a.isUnresolved() ? null : a.getAddress(), a.getPort());
    }
}
