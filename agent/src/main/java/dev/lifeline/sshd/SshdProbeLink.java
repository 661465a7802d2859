package dev.lifeline.sshd;

import dev.lifeline.enforce.Actions;
import dev.lifeline.enforce.ProbeKeepalive;
import dev.lifeline.enforce.SessionEvents;
import dev.lifeline.report.Faults;
import dev.lifeline.sessions.SshSessions;

import java.lang.ref.WeakReference;
import java.net.SocketTimeoutException;

/**
 * Lifeline's own keepalive ({@link ProbeKeepalive}) over one MINA session of the lines before 2.13, in place of MINA's
 * heartbeat there: that one sends a request every interval whatever arrives and waits for its own reply
 * ({@code heartbeat-reply-wait}), so it closes a session whose server streams output and never answers keepalive
 * requests (issue 25 item 3), and it has no count to reset. The probe is OpenSSH's {@code keepalive@openssh.com} with
 * want-reply, sent with {@code Session.request(Buffer, String, ReplyHandler)}, which registers the request (so its
 * reply is matched to it, not to an app's own global request) and returns without waiting; lines without that method
 * (2.6 to 2.8) keep MINA's heartbeat ({@link SshdSessions#serviceCreating}): there a reply nobody waits for stays in
 * {@code requestResult} and answers the app's next global request (architecture.md). The evidence is the
 * {@code AbstractSession.handleMessage} hook's stamp ({@link SshSessions#stampedPacketNanos}): MINA's idle clock moves
 * on the session's own writes. Weak, so a forgotten session is not kept by the ticks.
 */
final class SshdProbeLink implements ProbeKeepalive.Link {
    private final WeakReference<Object> session;
    private final String host;
    private final int port;

    SshdProbeLink(Object session, String host, int port) {
        this.session = new WeakReference<Object>(session);
        this.host = host;
        this.port = port;
    }

    /** Starts the ticks for a new session (before its key exchange: they wait for authentication). */
    static void start(final Object session, String host, int port, long intervalMillis, int countMax) throws Exception {
        final ProbeKeepalive k = ProbeKeepalive.start("sshd", intervalMillis, countMax, new SshdProbeLink(session, host, port));
        SshSessions.memo(session, k); // for the sessions view
        if (SshSessions.memo(session) == k) {
            return; // the session's close listener (SshdSessions.register) stops it: no second listener per session
        }
        // not in the registry (its registration failed, or the session closed meanwhile): a listener of its own
        if (!SshdChannels.whenClosed(session, new Runnable() {
            @Override
            public void run() {
                k.stop();
            }
        })) {
            k.stop();
        }
    }

    /** Whether the lines' async global request is there: else MINA's own heartbeat stays. */
    static boolean available(SshdApi api) {
        return api.asyncRequest != null;
    }

    @Override
    public boolean closed() throws Exception {
        Object s = session.get();
        if (s == null) {
            return true;
        }
        SshdApi api = SshdApi.of(s);
        return api.isClosing(s) || !api.isOpen(s);
    }

    /** Global requests belong to the connection protocol: after authentication. */
    @Override
    public boolean ready() throws Exception {
        Object s = session.get();
        return s != null && SshdApi.of(s).isAuthenticated(s);
    }

    /** The hook's stamp; without one (the session not listed) nothing is known against the peer. */
    @Override
    public long lastPacketNanos() {
        long t = SshSessions.stampedPacketNanos(session.get());
        return t == 0 ? System.nanoTime() : t;
    }

    /** Queues the request on MINA's writer and returns: the reply is a packet, stamped by the hook. */
    @Override
    public void send() throws Exception {
        Object s = session.get();
        if (s != null) {
            SshdApi.of(s).probe(s, SshdSessions.KEEPALIVE_REQUEST);
        }
    }

    /**
     * As MINA's heartbeat ends a session it got no reply on: {@code exceptionCaught} with a timeout, which closes the
     * session at once (its channels and every waiter end), on a pool thread.
     */
    @Override
    public void dead(long intervalMillis, int countMax, long silentMillis) {
        SessionEvents.declaredDead("sshd", host, port, intervalMillis, countMax, silentMillis,
                "session closed by Lifeline, its channels and waits ended");
        final Object s = session.get();
        if (s == null) {
            return;
        }
        final SocketTimeoutException cause = new SocketTimeoutException("Lifeline: nothing from the peer for " + silentMillis
                + " ms (" + countMax + " keepalives every " + intervalMillis + " ms unanswered): peer declared dead");
        Actions.run("sshd.keepalive.close", new Runnable() {
            @Override
            public void run() {
                try {
                    SshdApi.of(s).exceptionCaught(s, cause);
                } catch (Throwable t) {
                    Faults.suppressed(t);
                }
            }
        });
    }
}
