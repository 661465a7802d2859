package dev.lifeline.jsch;

import dev.lifeline.enforce.Actions;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.enforce.SessionEvents;
import dev.lifeline.report.Faults;
import dev.lifeline.sessions.SshSessions;

/**
 * Probes a read JSch's reader began before Lifeline set the read timeout: a timeout set on a socket applies from the
 * next read, not to the one a thread is blocked in, and on a dead peer that read never returns. Two such reads: the one
 * a session found at {@code attach} is in, and the first read after a connect (Lifeline sets the interval once the
 * connect has returned, see {@link JschSessions}). One {@code keepalive@jcraft.com} now and one per interval; the first
 * packet from the peer ends the probes (the reader left that read: JSch's own keepalive is in force); after
 * {@code countMax} probes with nothing the peer is declared dead and the socket shut, which JSch's reader turns into the
 * session's end, closing its channels and waking their readers.
 */
final class JschReadInFlight implements Runnable {
    private final Object session;
    private final JschApi api;
    private final String host;
    private final int port;
    private final long intervalMillis;
    private final int countMax;
    private final int packetsAtStart;
    private final String action;
    private int misses;
    private volatile DeadlineScheduler.Deadline ticks;

    private JschReadInFlight(Object session, JschApi api, String host, int port, long intervalMillis, int countMax, int packets,
                             String action) {
        this.session = session;
        this.api = api;
        this.host = host;
        this.port = port;
        this.intervalMillis = intervalMillis;
        this.countMax = countMax;
        this.packetsAtStart = packets;
        this.action = action;
    }

    /**
     * @param action   what declaring the peer dead does, for its log line
     * @param probeNow the first probe now (a read in flight for who knows how long: at attach), else at the first tick
     *                 with no packet, as JSch's own first read timeout would (after a connect: no extra packet, and no
     *                 sender thread started on a first connect); either way the peer is declared dead at the
     *                 {@code countMax + 1}-th tick without a packet, as JSch and OpenSSH would
     */
    static void start(Object session, JschApi api, String host, int port, long intervalMillis, int countMax, int packets,
                      String action, boolean probeNow) {
        JschReadInFlight r = new JschReadInFlight(session, api, host, port, intervalMillis, countMax, packets, action);
        r.ticks = DeadlineScheduler.every("jsch.read-in-flight", intervalMillis, r);
        if (probeNow) {
            r.probe(); // a live peer answers within a round trip
        }
    }

    /** On the deadline thread: reads two fields, never blocks. */
    @Override
    public void run() {
        try {
            Integer packets = api.packetsRead(session);
            if (!api.isConnected(session) || packets == null || packets != packetsAtStart) {
                stop(); // ended, or a packet came: the reader left that read, JSch's own keepalive applies now
                return;
            }
            if (++misses <= countMax) {
                probe();
                return;
            }
            stop();
            SessionEvents.declaredDead("jsch", host, port, intervalMillis, countMax, SshSessions.silentMillis(session),
                    action + ", JSch ends the session and closes its channels");
            JschSockets.shut(session);
        } catch (Throwable t) {
            stop();
            Faults.suppressed(t);
        }
    }

    private void probe() {
        Actions.run("jsch.read-in-flight.send", new Runnable() {
            @Override
            public void run() {
                try {
                    api.sendKeepalive(session);
                } catch (Exception e) {
                    // a write that failed: the session is ending; the next tick sees it
                }
            }
        });
    }

    private void stop() {
        DeadlineScheduler.Deadline t = ticks;
        if (t != null) {
            t.cancel();
        }
    }
}
