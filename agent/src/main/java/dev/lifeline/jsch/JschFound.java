package dev.lifeline.jsch;

import dev.lifeline.config.Mode;
import dev.lifeline.config.Policy;
import dev.lifeline.enforce.Actions;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.enforce.ExecDeadline;
import dev.lifeline.enforce.SessionEvents;
import dev.lifeline.instrument.LiveThreads;
import dev.lifeline.instrument.WovenLibraries;
import dev.lifeline.policy.Policies;
import dev.lifeline.policy.SessionPlan;
import dev.lifeline.policy.SessionPolicy;
import dev.lifeline.report.Faults;
import dev.lifeline.report.Log;
import dev.lifeline.sessions.FoundAtAttach;
import dev.lifeline.sessions.SshSessions;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSch sessions already open when Lifeline is attached (issue 24). JSch keeps no registry of its sessions: each
 * connected session is the task of its reader thread ({@code "Connect thread HOST session"}, a name an app may change),
 * as the session itself (jcraft 0.1.55) or a lambda capturing it (0.2+, through the session's thread factory), so live
 * threads lead to them. A thread running {@code Session.run} that leads to none is counted as not found.
 *
 * <p>What a live session allows: {@code setServerAliveInterval} sets the socket's read timeout, which applies from the
 * reader's next read, not to the read it is blocked in (a dead peer sends nothing, so that read never returns). So
 * Lifeline probes that read itself: every interval a {@code keepalive@jcraft.com} request (on {@link Actions}: a write),
 * and JSch's incoming packet count tells whether anything came; after {@code countMax} probes with nothing, the peer is
 * declared dead and the socket shut, which JSch's reader turns into the session's end, closing its channels and waking
 * their readers as for a session opened under the agent. The first packet ends the probes: JSch's own keepalive
 * (the read timeout just set) is then in force.
 */
public final class JschFound {
    private static final String SESSION = "com.jcraft.jsch.Session";
    private static final String EXEC = "com.jcraft.jsch.ChannelExec";

    private JschFound() {
    }

    /** Finds, registers and protects the JSch sessions open now that Lifeline does not know yet. */
    public static void adopt(List<Thread> threads) {
        List<Object> sessions = sessions(threads);
        for (Object session : sessions) {
            if (!SshSessions.awaitsProtection(session)) {
                continue; // opened under the agent, or brought under by an earlier attach
            }
            String peer = "?";
            try {
                JschApi api = JschApi.of(session);
                if (!api.isConnected(session)) {
                    continue;
                }
                peer = api.host(session) + ":" + api.port(session);
                FoundAtAttach.found("jsch", peer, adoptOne(session, api));
            } catch (Throwable t) {
                Faults.suppressed(t);
                FoundAtAttach.found("jsch", peer, "could not be read: " + t);
            }
        }
        if (WovenLibraries.anySeen("jsch")) {
            for (Thread reader : unreached(threads, sessions)) {
                FoundAtAttach.found("jsch", "?", "not found: thread " + reader.getName() + " runs JSch's Session.run, and"
                        + " no session was reached from it (its task wraps the session deeper than Lifeline looks)");
            }
        }
    }

    /**
     * Sessions that are a live thread's task, or captured by it (one or two steps: a lambda, a wrapping Runnable), or
     * held by a {@code Thread} subclass. Every thread is looked at, not only those JSch names {@code "Connect thread
     * HOST session"}: an app may rename its threads. A named module is opened to Lifeline only for JSch's own classes
     * and the threads JSch named: the rest are looked through where they are open already.
     */
    static List<Object> sessions(List<Thread> threads) {
        Map<Object, Boolean> found = new IdentityHashMap<Object, Boolean>();
        for (Thread t : threads) {
            boolean named = t.getName().startsWith("Connect thread");
            collect(LiveThreads.task(t), found, 2, named);
            if (t.getClass() != Thread.class && !t.getClass().getName().startsWith("java.")) {
                for (Object held : LiveThreads.captured(t, named)) {
                    collect(held, found, 1, named);
                }
            }
        }
        return new ArrayList<Object>(found.keySet());
    }

    /** Threads running {@code Session.run} (a JSch reader) that are the reader of none of {@code sessions}. */
    static List<Thread> unreached(List<Thread> threads, List<Object> sessions) {
        Map<Object, Boolean> readers = new IdentityHashMap<Object, Boolean>();
        for (Object s : sessions) {
            try {
                Object reader = JschApi.of(s).readerThread(s);
                if (reader != null) {
                    readers.put(reader, Boolean.TRUE);
                }
            } catch (Throwable t) {
                Faults.suppressed(t);
            }
        }
        List<Thread> out = new ArrayList<Thread>();
        for (Thread t : LiveThreads.running(threads, SESSION, "run")) {
            if (!readers.containsKey(t)) {
                out.add(t);
            }
        }
        return out;
    }

    private static void collect(Object o, Map<Object, Boolean> found, int depth, boolean open) {
        if (o == null) {
            return;
        }
        if (LiveThreads.isA(o, SESSION)) {
            found.put(o, Boolean.TRUE);
            return;
        }
        String type = o.getClass().getName();
        if (depth > 0 && !type.startsWith("java.")) {
            for (Object c : LiveThreads.captured(o, open || type.startsWith("com.jcraft.jsch."))) {
                collect(c, found, depth - 1, open);
            }
        }
    }

    /** @return null when the session was brought under protection (in audit: would be), else why not */
    private static String adoptOne(Object session, JschApi api) throws Exception {
        String host = api.host(session);
        int port = api.port(session);
        SshSessions.foundAtAttach(session, "jsch", host, port, JschView.INSTANCE);
        Policy policy = Policies.forHost(host, null, port);
        if (policy == null || policy.mode() == Mode.OFF) {
            Log.info("session.found-at-attach", "lib", "jsch", "host", host, "port", port, "mode", "off", "action", "none");
            return "mode off for this host";
        }
        int appTimeout = api.timeout(session);
        int appCountMax = api.aliveCountMax(session);
        long appKeepalive = appTimeout > 0 ? appTimeout : api.aliveInterval(session);
        SessionPlan plan = SessionPolicy.plan("jsch", policy, appKeepalive, appCountMax, -1);
        String why = null;
        if (plan.setsKeepalive()) {
            Integer packets = api.packetsRead(session);
            try {
                api.setAliveInterval(session, (int) Math.min(Integer.MAX_VALUE, plan.keepaliveIntervalMillis));
                if (plan.keepaliveCountMax != appCountMax) {
                    api.setAliveCountMax(session, plan.keepaliveCountMax);
                }
                if (packets == null) {
                    why = "JSch's packet count is not readable in this version: the read in flight at attach is not probed";
                } else if (JschProxyKeepalive.socketless(api, session)) {
                    JschProxyKeepalive.connected(session, api, plan); // no read timeout ever: probed for the session's life
                } else {
                    JschReadInFlight.start(session, api, host, port, plan.keepaliveIntervalMillis, plan.keepaliveCountMax, packets,
                            "socket shut (session found at attach)", true);
                    plan.record("keepalive.probes", "until the first packet (the read in flight at attach)", "set");
                }
            } catch (Exception e) {
                plan.failed(e);
                why = "JSch refused the keepalive interval: " + e;
            }
        } else if (appKeepalive > 0 && JschProxyKeepalive.socketless(api, session)) {
            JschProxyKeepalive.connected(session, api, plan); // the app's own interval, inert without a socket
        } else if (appKeepalive <= 0 && policy.mode() != Mode.AUDIT) {
            why = "no keepalive.interval configured for this host";
        }
        SessionEvents.tcpKeepalive(plan, JschSockets.socketOf(session));
        int execs = execChannels(session, api, policy);
        if (execs > 0) {
            plan.record("exec.deadlines", execs + " exec channel" + (execs == 1 ? "" : "s") + ", counted from the attach",
                    policy.mode() == Mode.AUDIT ? "would-set" : "set");
        }
        if (policy.mode() != Mode.AUDIT) {
            SshSessions.broughtUnder(session, plan.applied());
        }
        Log.info("session.found-at-attach", "lib", "jsch", "host", host, "port", port, "mode", policy.mode().label(),
                "applied", plan.applied().toString(), "not_protected", why == null ? "" : why);
        return why;
    }

    /** Exec channels of the session still open: their deadlines start now (counted from the attach). */
    private static int execChannels(Object session, JschApi api, Policy policy) throws Exception {
        if (!ExecDeadline.applies(policy)) {
            return 0;
        }
        List<?> channels = api.ownChannels(session);
        if (channels == null) {
            channels = api.channelPool();
        }
        if (channels == null) {
            return 0;
        }
        int n = 0;
        Object[] copy;
        synchronized (channels) { // JSch's own lists are Vectors: their monitor is their lock
            copy = channels.toArray();
        }
        for (Object ch : copy) {
            if (!LiveThreads.isA(ch, EXEC) || api.sessionField(ch) != session || api.isClosed(ch)) {
                continue;
            }
            n++;
            if (policy.mode() == Mode.AUDIT) {
                continue; // counted for the log line only: a later attach in fill or enforce arms it
            }
            byte[] command = api.command(ch);
            ExecDeadline.started(ch, new JschChannels.Control(ch, session), policy, "jsch",
                    command == null ? null : new String(command, StandardCharsets.UTF_8));
        }
        return n;
    }
}
