package dev.lifeline.ssh2family;

import dev.lifeline.config.Mode;
import dev.lifeline.config.Policy;
import dev.lifeline.enforce.ExecDeadline;
import dev.lifeline.enforce.ProbeKeepalive;
import dev.lifeline.enforce.SessionEvents;
import dev.lifeline.instrument.LiveThreads;
import dev.lifeline.policy.Policies;
import dev.lifeline.policy.SessionPlan;
import dev.lifeline.policy.SessionPolicy;
import dev.lifeline.report.Faults;
import dev.lifeline.report.Log;
import dev.lifeline.sessions.FoundAtAttach;
import dev.lifeline.sessions.SshSessions;

import java.util.List;

/**
 * Connections of the family already open when Lifeline is attached (issue 24). Each connection's transport runs a
 * receive thread of its own, whose task is an anonymous {@code Runnable} of the transport class holding the transport;
 * the transport holds the socket, the host and port the app gave (in its key exchange) and, once authenticated, the
 * channel manager (the handler of the connection protocol's messages). Nothing leads back to the app's
 * {@code Connection}, so a connection found is listed under its transport ({@link Ssh2FoundView}) until the app's
 * {@code close()} names it.
 *
 * <p>What a live connection allows is what one opened under the agent gets, since the family has no keepalive of its
 * own either way: Lifeline's probe ({@link Ssh2Keepalive}), silence counted from the attach, and on a dead peer the
 * transport closed (every channel and every thread waiting on one woken); TCP keepalive on its socket; the close
 * deadline when the app closes it; exec deadlines, counted from the attach, for the channels a thread waits on from the
 * method that ran {@code execCommand} ({@link Ssh2FoundExecs}), and for every exec started on it later.
 */
public final class Ssh2Found {
    private Ssh2Found() {
    }

    /** The libraries of the family, in the order the attach reports them. */
    public static void adopt(List<Thread> threads) {
        for (Ssh2Library lib : Ssh2Library.all()) {
            adopt(lib, threads);
        }
    }

    static void adopt(Ssh2Library lib, List<Thread> threads) {
        String transportType = lib.pkg + ".transport.TransportManager";
        for (Thread t : threads) {
            Object task = LiveThreads.task(t);
            if (task == null || !task.getClass().getName().startsWith(transportType + "$")) {
                continue; // not a receive thread of this library (its task is an inner class of the transport)
            }
            for (Object tm : LiveThreads.captured(task)) {
                if (!LiveThreads.isA(tm, transportType)) {
                    continue;
                }
                String peer = "?";
                try {
                    Ssh2Api api = lib.api(tm);
                    Object[] hostPort = api.hostAndPort(tm);
                    if (api.receiveThreadOf(tm) != t || hostPort == null || api.transportClosed(tm)
                            || !SshSessions.awaitsProtection(tm) || Ssh2Sessions.seenConnecting(tm)) {
                        continue; // a server's transport, ending, or known already
                    }
                    peer = hostPort[0] + ":" + hostPort[1];
                    FoundAtAttach.found(lib.name, peer, adoptOne(lib, api, tm, (String) hostPort[0], (Integer) hostPort[1], threads));
                } catch (Throwable e) {
                    Faults.suppressed(e);
                    FoundAtAttach.found(lib.name, peer, "could not be read: " + e);
                }
            }
        }
    }

    /** @return null when brought under protection (in audit: would be), else why not */
    private static String adoptOne(Ssh2Library lib, Ssh2Api api, Object tm, String host, int port, List<Thread> threads) {
        Object manager = api.managerOfTransport(tm);
        if (manager == null) {
            Log.info("session.found-at-attach", "lib", lib.name, "host", host, "port", port, "action", "none",
                    "not_protected", "not authenticated yet");
            return "not authenticated yet (it has no channel manager)";
        }
        SshSessions.foundAtAttach(tm, lib.name, host, port, lib.foundView);
        Policy policy = Policies.forHost(host, null, port);
        if (policy == null || policy.mode() == Mode.OFF) {
            Log.info("session.found-at-attach", "lib", lib.name, "host", host, "port", port, "mode", "off", "action", "none");
            return "mode off for this host";
        }
        SessionPlan plan = SessionPolicy.plan(lib.name, policy, 0, 0, -1); // the family has no keepalive of its own
        Ssh2Connection c = Ssh2Connection.found(lib, tm, manager, host, port);
        c.plan = plan;
        c.policy = policy;
        Ssh2Sessions.found(c);
        String why = null;
        if (plan.setsKeepalive()) {
            c.link = new Ssh2Keepalive(c);
            c.keepalive = ProbeKeepalive.start(lib.name, plan.keepaliveIntervalMillis, plan.keepaliveCountMax, c.link);
        } else if (policy.mode() != Mode.AUDIT) {
            why = "no keepalive.interval configured for this host";
        }
        SessionEvents.tcpKeepalive(plan, api.socket(tm));
        execChannels(c, api.channels(manager), threads, policy, plan, host + ":" + port);
        if (policy.mode() != Mode.AUDIT) {
            SshSessions.broughtUnder(tm, plan.applied());
        }
        Log.info("session.found-at-attach", "lib", lib.name, "host", host, "port", port, "mode", policy.mode().label(),
                "applied", plan.applied().toString(), "not_protected", why == null ? "" : why);
        return why;
    }

    /**
     * Exec deadlines, counted from the attach, for the channels a thread waits on from the method that ran
     * {@code execCommand} ({@link Ssh2FoundExecs}); every other open channel is named with why it has none.
     */
    private static void execChannels(Ssh2Connection c, List<Object> channels, List<Thread> threads, Policy policy,
                                     SessionPlan plan, String peer) {
        if (!ExecDeadline.applies(policy)) {
            return;
        }
        List<Object> execs = Ssh2FoundExecs.execs(c.lib, channels, threads);
        for (Object ch : channels) {
            String why = Ssh2FoundExecs.why(ch);
            if (why != null) {
                FoundAtAttach.note(c.lib.name, peer, Ssh2FoundExecs.name(c.lib, ch) + " gets no exec deadline: " + why);
            }
        }
        for (Object ch : execs) {
            if (policy.mode() != Mode.AUDIT) { // in audit counted for the log line only: a later attach arms it
                SshSessions.channelOpened(ch);
                Ssh2Channels.foundExec(c, ch, policy);
            }
        }
        if (!execs.isEmpty()) {
            plan.record("exec.deadlines", execs.size() + " exec channel" + (execs.size() == 1 ? "" : "s")
                    + " (a thread waits on it from the method that ran execCommand), counted from the attach",
                    policy.mode() == Mode.AUDIT ? "would-set" : "set");
        }
    }
}
