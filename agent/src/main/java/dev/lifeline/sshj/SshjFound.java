package dev.lifeline.sshj;

import dev.lifeline.config.Mode;
import dev.lifeline.config.Policy;
import dev.lifeline.enforce.ExecDeadline;
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
 * sshj connections already open when Lifeline is attached (issue 24). Each connection's reader is a thread of its
 * own, {@code net.schmizz.sshj.transport.Reader}, holding its transport; the transport's service, once authenticated,
 * is the connection. Nothing leads back to the app's {@code SSHClient} (0.40's transport keeps no reference to it), so
 * a connection found is registered by its transport ({@link SshjFoundView}).
 *
 * <p>Keepalive: Lifeline's own ({@link dev.lifeline.enforce.ProbeKeepalive}, want-reply probes on the deadline thread), as for a connection
 * whose app set no interval; an app's own keepalive thread, already running, is left as it is. On a dead peer the
 * transport dies ({@code die()}: every channel and waiter gets the error, then sshj closes the socket's streams).
 * Exec deadlines: for the channels open at attach that a thread waits on in {@code join()} as a {@code Session.Command},
 * or reads the stdout or stderr of, taken from one (sshj keeps no command, and an exec and a shell are the same
 * {@code SessionChannel}: {@link SshjFoundExecs}); execs
 * started later on the connection get them as under the agent. TCP keepalive: the socket is not
 * reachable from the transport (only its streams), so it is left as it is.
 */
public final class SshjFound {
    private static final String READER = "net.schmizz.sshj.transport.Reader";
    private static final String CONNECTION = "net.schmizz.sshj.connection.ConnectionImpl";

    private SshjFound() {
    }

    public static void adopt(List<Thread> threads) {
        for (Thread t : threads) {
            if (!LiveThreads.isA(t, READER)) {
                continue;
            }
            String peer = "?";
            try {
                SshjApi api = SshjApi.of(t);
                Object trans = api.transportOfReader(t);
                if (trans == null || !SshSessions.awaitsProtection(trans) || registeredClient(api, trans)) {
                    continue;
                }
                peer = api.remoteHost(trans) + ":" + api.remotePort(trans);
                FoundAtAttach.found("sshj", peer, adoptOne(api, trans, threads));
            } catch (Throwable e) {
                Faults.suppressed(e);
                FoundAtAttach.found("sshj", peer, "could not be read: " + e);
            }
        }
    }

    /** Opened under the agent: its connection is known, with its {@code SSHClient} (not a transport found at attach). */
    private static boolean registeredClient(SshjApi api, Object trans) throws Exception {
        Object service = api.service(trans);
        SshjSessions.Client c = service == null ? null : SshjSessions.clientOfConnection(service);
        return c != null && c.client.get() != trans;
    }

    private static String adoptOne(SshjApi api, Object trans, List<Thread> threads) throws Exception {
        String host = api.remoteHost(trans);
        int port = api.remotePort(trans);
        Object conn = api.service(trans);
        if (conn == null || !LiveThreads.isA(conn, CONNECTION)) {
            Log.info("session.found-at-attach", "lib", "sshj", "host", host, "port", port, "action", "none",
                    "not_protected", "not authenticated yet");
            return "not authenticated yet (its connection service is not running)";
        }
        SshSessions.foundAtAttach(trans, "sshj", host, port, SshjFoundView.INSTANCE);
        SshjPacketClock.foundAtAttach(trans);
        Policy policy = Policies.forHost(host, null, port);
        if (policy == null || policy.mode() == Mode.OFF) {
            Log.info("session.found-at-attach", "lib", "sshj", "host", host, "port", port, "mode", "off", "action", "none");
            return "mode off for this host";
        }
        SshjSessions.Client owner = new SshjSessions.Client(trans, host, null, port);
        SshjSessions.found(conn, owner);
        Object keepAlive = api.keepAlive(conn);
        boolean appThread = keepAlive instanceof Thread && ((Thread) keepAlive).isAlive();
        int appSeconds = appThread ? api.keepAliveSeconds(keepAlive) : 0;
        int appCount = appThread && api.isRunner(keepAlive) ? api.maxAliveCount(keepAlive) : 0;
        SessionPlan plan = SessionPolicy.plan("sshj", policy, appSeconds * 1000L, appCount, -1);
        String why = null;
        if (plan.setsKeepalive() && appThread) {
            why = "the app's own sshj keepalive thread runs: left as it is";
        } else if (plan.setsKeepalive()) {
            owner.keepalive = dev.lifeline.enforce.ProbeKeepalive.start("sshj", plan.keepaliveIntervalMillis, plan.keepaliveCountMax,
                    new SshjKeepaliveLink(owner, conn, trans));
        } else if (appSeconds <= 0 && policy.mode() != Mode.AUDIT) {
            why = "no keepalive.interval configured for this host";
        }
        execChannels(SshjFoundView.INSTANCE.channels(trans), threads, owner, policy, plan, host + ":" + port);
        plan.record("tcp.keepalive", "left as it is (sshj's transport holds the socket's streams, not the socket)", "n/a");
        if (policy.mode() != Mode.AUDIT) {
            SshSessions.broughtUnder(trans, plan.applied());
        }
        Log.info("session.found-at-attach", "lib", "sshj", "host", host, "port", port, "mode", policy.mode().label(),
                "applied", plan.applied().toString(), "not_protected", why == null ? "" : why);
        return why;
    }

    /**
     * Exec deadlines, counted from the attach, for the session channels a thread waits on or reads as a command's
     * ({@link SshjFoundExecs}); every other session channel is named with why it has none.
     */
    private static void execChannels(List<Object> channels, List<Thread> threads, SshjSessions.Client owner, Policy policy,
                                     SessionPlan plan, String peer) {
        if (!ExecDeadline.applies(policy)) {
            return;
        }
        List<Object> execs = SshjFoundExecs.execs(channels, threads);
        for (Object ch : channels) {
            String why = SshjFoundExecs.why(ch);
            if (why != null) {
                FoundAtAttach.note("sshj", peer, SshjFoundExecs.name(ch) + " gets no exec deadline: " + why);
            }
        }
        for (Object ch : execs) {
            if (policy.mode() == Mode.AUDIT) {
                continue; // counted for the log line only: a later attach in fill or enforce arms it
            }
            SshjView.execStarted(ch);
            ExecDeadline.started(ch, new SshjChannels.Control(ch, owner), policy, "sshj", null);
        }
        if (!execs.isEmpty()) {
            StringBuilder how = new StringBuilder();
            for (Object ch : execs) {
                how.append(how.length() == 0 ? "" : "; ").append(SshjFoundExecs.name(ch)).append(": ").append(SshjFoundExecs.how(ch));
            }
            plan.record("exec.deadlines", execs.size() + " exec channel" + (execs.size() == 1 ? "" : "s") + " (" + how
                    + "), counted from the attach", policy.mode() == Mode.AUDIT ? "would-set" : "set");
        }
    }
}
