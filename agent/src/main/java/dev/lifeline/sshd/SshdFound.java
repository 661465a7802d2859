package dev.lifeline.sshd;

import dev.lifeline.config.Mode;
import dev.lifeline.config.Policy;
import dev.lifeline.enforce.ExecDeadline;
import dev.lifeline.enforce.SessionEvents;
import dev.lifeline.instrument.LiveThreads;
import dev.lifeline.instrument.Reflection;
import dev.lifeline.policy.Policies;
import dev.lifeline.policy.SessionPlan;
import dev.lifeline.policy.SessionPolicy;
import dev.lifeline.report.Faults;
import dev.lifeline.report.Log;
import dev.lifeline.sessions.FoundAtAttach;
import dev.lifeline.sessions.SshSessions;

import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * MINA client sessions already open when Lifeline is attached (issue 24). No live thread's task leads to a MINA
 * session (its I/O runs on an {@code AsynchronousChannelGroup}'s pool), but every {@code SshClient} checks its
 * sessions' timeouts once a second on its timer thread: {@code SessionTimeoutListener.run()}, woven at the attach,
 * hands its set of sessions over while an attach is looking ({@link #COLLECTING}); the attach waits for one round of
 * those checks (a little over a second) and then brings what they held under the settings.
 *
 * <p>What a live session allows: its connection service read the heartbeat settings into final fields when it was
 * made, and scheduled its heartbeat then; Lifeline writes the fields (interval, reply count or, before 2.13, reply
 * wait, request) and calls the service's own {@code startHeartBeat()}, which cancels the old schedule and starts one
 * with them. The heartbeat then declares a dead peer as for a session opened under the agent (MINA closes the session,
 * its channels and their waiters). Exec channels open at attach get their deadlines counted from the attach; TCP
 * keepalive goes on the socket of the NIO2, sshd-mina or sshd-netty transport.
 */
public final class SshdFound {
    private static final String MINA_THREAD = "sshd-";
    private static final String CLIENT_EXEC = "org.apache.sshd.client.channel.ChannelExec";
    /** One round of MINA's timeout checks (every second), and a margin for a loaded machine. */
    static final long WAIT_MILLIS = 1300;
    /** While an attach looks for sessions: what the timeout checkers handed over; null otherwise. */
    private static volatile Map<Object, Boolean> collecting;

    private SshdFound() {
    }

    /** On the attaching thread: one round of MINA's timeout checks collected, then each session brought under. */
    public static void adopt(List<Thread> threads) throws InterruptedException {
        boolean minaThreads = false;
        for (Thread t : threads) {
            minaThreads |= t.getName().startsWith(MINA_THREAD); // MINA names its pools' threads so
        }
        if (!minaThreads) {
            return; // no MINA client running: nothing to look for
        }
        Map<Object, Boolean> found = new IdentityHashMap<Object, Boolean>();
        collecting = found;
        long until = System.nanoTime() + WAIT_MILLIS * 1000000L;
        synchronized (found) {
            for (long left = WAIT_MILLIS; left > 0; left = (until - System.nanoTime()) / 1000000L) {
                found.wait(left); // the attach's own thread: no application thread waits here
            }
            collecting = null;
        }
        List<Object> sessions;
        synchronized (found) {
            sessions = new ArrayList<Object>(found.keySet());
        }
        for (Object session : sessions) {
            String peer = "?";
            try {
                SshdApi api = SshdApi.of(session);
                if (!SshSessions.awaitsProtection(session) || api.clientSession == null || !api.clientSession.isInstance(session)
                        || api.isClosing(session)) {
                    continue; // known already, a server session, or ending
                }
                peer = peer(api.remoteAddress(session));
                FoundAtAttach.found("sshd", peer, adoptOne(session, api));
            } catch (Throwable t) {
                Faults.suppressed(t);
                FoundAtAttach.found("sshd", peer, "could not be read: " + t);
            }
        }
    }

    /** MINA's timer thread, entering a timeout check: one volatile read unless an attach is looking. */
    static void timeoutsChecking(Object listener) throws Exception {
        Map<Object, Boolean> found = collecting;
        if (found == null) {
            return;
        }
        Object set = SshdApi.of(listener).timeoutSessions == null ? null
                : SshdApi.of(listener).timeoutSessions.get(listener);
        if (!(set instanceof Collection)) {
            return;
        }
        Object[] sessions = ((Collection<?>) set).toArray(); // MINA's set is a concurrent one
        synchronized (found) {
            for (Object s : sessions) {
                found.put(s, Boolean.TRUE);
            }
        }
    }

    private static String peer(SocketAddress a) {
        return a instanceof InetSocketAddress ? ((InetSocketAddress) a).getHostString() + ":" + ((InetSocketAddress) a).getPort()
                : String.valueOf(a);
    }

    /** @return null when brought under protection (in audit: would be), else why not */
    private static String adoptOne(Object session, SshdApi api) throws Exception {
        SocketAddress target = api.connectAddress(session);
        if (target == null) {
            target = api.remoteAddress(session);
        }
        String host = target instanceof InetSocketAddress ? ((InetSocketAddress) target).getHostString() : String.valueOf(target);
        int port = target instanceof InetSocketAddress ? ((InetSocketAddress) target).getPort() : 0;
        SshSessions.foundAtAttach(session, "sshd", host, port, SshdView.INSTANCE);
        SshdChannels.whenClosed(session, new Closed(session));
        Policy policy = Policies.forAddress(api.remoteAddress(session));
        if (policy == null || policy.mode() == Mode.OFF) {
            Log.info("session.found-at-attach", "lib", "sshd", "host", host, "port", port, "mode", "off", "action", "none");
            return "mode off for this host";
        }
        Object service = api.connectionService(session);
        Duration appInterval = service == null ? null : (Duration) api.serviceHeartbeatInterval.get(service);
        boolean counted = api.serviceNoReplyMax != null;
        int appCount = service == null ? 0 : counted ? (Integer) api.serviceNoReplyMax.get(service)
                : Reflection.readQuietly(api.serviceReplyMaxWait, service) == null ? 0 : 1;
        long app = appInterval == null || appInterval.isNegative() ? 0 : appInterval.toMillis();
        SessionPlan plan = SessionPolicy.plan("sshd", policy, app, appCount, -1);
        String why = null;
        if (service == null) {
            why = "its connection service has not started (not authenticated yet)";
        } else if (plan.setsKeepalive()) {
            try {
                restartHeartbeat(api, session, service, plan, counted);
            } catch (Exception e) {
                plan.failed(e);
                why = "MINA's heartbeat could not be restarted with the new settings: " + e;
            }
        } else if (app <= 0 && policy.mode() != Mode.AUDIT) {
            why = "no keepalive.interval configured for this host";
        }
        Object io = api.ioSession(session);
        SessionEvents.tcpKeepalive(plan, io == null ? null : SshdSockets.channelOf(io));
        int execs = service == null ? 0 : execChannels(api, session, service, policy);
        if (execs > 0) {
            plan.record("exec.deadlines", execs + " exec channel" + (execs == 1 ? "" : "s") + ", counted from the attach",
                    policy.mode() == Mode.AUDIT ? "would-set" : "set");
        }
        if (policy.mode() != Mode.AUDIT) {
            SshSessions.broughtUnder(session, plan.applied());
        }
        Log.info("session.found-at-attach", "lib", "sshd", "host", host, "port", port, "mode", policy.mode().label(),
                "applied", plan.applied().toString(), "not_protected", why == null ? "" : why);
        return why;
    }

    /**
     * The service's heartbeat fields are final, read by {@code startHeartBeat()} each time it schedules: written
     * here (the session's properties too, for what reads them later), then MINA's own restart applies them.
     */
    private static void restartHeartbeat(SshdApi api, Object session, Object service, SessionPlan plan, boolean counted)
            throws Exception {
        Duration interval = Duration.ofMillis(plan.keepaliveIntervalMillis);
        if (api.heartbeatInterval != null) {
            api.set(api.heartbeatInterval, session, interval);
        }
        api.serviceHeartbeatInterval.set(service, interval);
        if (counted) {
            api.serviceNoReplyMax.set(service, plan.keepaliveCountMax);
        } else if (api.serviceReplyMaxWait != null) {
            api.serviceReplyMaxWait.set(service, interval.multipliedBy(plan.keepaliveCountMax));
        }
        Object request = api.serviceHeartbeatRequest == null ? null : api.serviceHeartbeatRequest.get(service);
        if ((request == null || request.toString().isEmpty()) && api.serviceHeartbeatRequest != null) {
            api.serviceHeartbeatRequest.set(service, SshdSessions.KEEPALIVE_REQUEST);
        }
        Method start = SshdModule.START_HEARTBEAT.declaredMethodOf(service.getClass());
        if (start == null) {
            throw new NoSuchMethodException("ClientConnectionService.startHeartBeat()");
        }
        Reflection.call(start, service);
    }

    /** Exec channels of the session still open: their deadlines start now (counted from the attach). */
    private static int execChannels(SshdApi api, Object session, Object service, Policy policy) throws Exception {
        if (!ExecDeadline.applies(policy)) {
            return 0;
        }
        Object channels = api.channels(service);
        if (!(channels instanceof Collection)) {
            return 0;
        }
        int n = 0;
        for (Object ch : ((Collection<?>) channels).toArray()) {
            if (!LiveThreads.isA(ch, CLIENT_EXEC) || api.isClosing(ch)) {
                continue;
            }
            n++;
            if (policy.mode() == Mode.AUDIT) {
                continue; // counted for the log line only: a later attach in fill or enforce arms it
            }
            final Object channel = ch;
            ExecDeadline.started(channel, new SshdChannels.Control(channel, session), policy, "sshd", api.command(channel));
            SshdChannels.whenClosed(channel, new Runnable() {
                @Override
                public void run() {
                    ExecDeadline.ended(channel);
                }
            });
        }
        return n;
    }

    /** The session's close future: its registry entry goes. */
    private static final class Closed implements Runnable {
        private final Object session;

        Closed(Object session) {
            this.session = session;
        }

        @Override
        public void run() {
            SshSessions.closed(session);
        }
    }
}
