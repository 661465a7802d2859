package dev.lifeline.sshj;

import dev.lifeline.sessions.LibraryView;
import dev.lifeline.enforce.ProbeKeepalive;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * sshj clients ({@code SSHClient}) as the {@code sessions} view reads them: by reflection, only when someone looks.
 * Registered once {@code SocketClient.connect} returned (TCP, banner and key exchange done), removed at
 * {@code disconnect()} and when sshj's keepalive declares the peer dead; a transport that died otherwise is dropped at
 * the watchdog's next tick ({@code isConnected()} false).
 */
final class SshjView extends LibraryView {
    static final SshjView INSTANCE = new SshjView();
    /** Channels the exec hook saw start (weak keys): the only way to tell an exec from a shell later. */
    private static final Map<Object, Boolean> EXECS = Collections.synchronizedMap(new WeakHashMap<Object, Boolean>());

    private SshjView() {
    }

    /** At exec start (not per packet): remembered so the listing can say "exec". */
    static void execStarted(Object channel) {
        EXECS.put(channel, Boolean.TRUE);
    }

    /**
     * The channel ended: its entry goes now rather than at a collection. Weak keys alone let thousands of ended
     * channels pile up between collections, which every exec's {@link #execStarted} then scans and resizes past.
     */
    static void channelEnded(Object channel) {
        EXECS.remove(channel);
    }

    @Override
    public String packagePrefix() {
        return "net.schmizz.sshj.";
    }

    /**
     * The transport's reader thread alive, and the client's socket connected (or the client tunnelled). Read from
     * fields, never by {@code SSHClient.isConnected()}: that asks {@code isRunning()}, which takes the close event's
     * lock, and {@code disconnect()} holds that lock while it sends the disconnect packet, which waits on a dead peer;
     * this runs on the deadline thread (the watchdog's sweep), which then could not fire the close deadline.
     */
    @Override
    public boolean isOpen(Object client) throws Exception {
        boolean open = transportOpen(client);
        if (!open) {
            SshjPacketClock.forget(client); // the sweep drops it from the registry now
        }
        return open;
    }

    /** The last packet from the peer, by {@link SshjPacketClock} (sshj keeps no clock of its own). */
    @Override
    public long lastPacketNanos(Object client, long fromHook) throws Exception {
        return SshjPacketClock.lastNanos(client, fromHook);
    }

    private static boolean transportOpen(Object client) throws Exception {
        SshjApi api = SshjApi.of(client);
        Object trans = api.transport(client);
        Object reader = trans == null ? null : api.reader(trans);
        if (reader instanceof Thread && !((Thread) reader).isAlive()) {
            return false;
        }
        if (api.isTunneled(client)) {
            return true; // connectVia (0.40): no socket of its own
        }
        java.net.Socket socket = SshjSockets.socketOf(client);
        return socket != null && socket.isConnected();
    }

    /**
     * Lifeline's own keepalive ({@link ProbeKeepalive}: its unanswered probes), else
     * {@code KeepAliveRunner} (sshj's {@code KEEP_ALIVE}, or the one Lifeline put in): its queue holds the keepalives
     * sent and not yet answered. The default {@code Heartbeater} expects no reply, so it has nothing outstanding.
     */
    @Override
    public String keepalive(Object client) throws Exception {
        SshjApi api = SshjApi.of(client);
        Object conn = api.connection(client);
        SshjSessions.Client owner = SshjSessions.clientOfConnection(conn);
        ProbeKeepalive own = owner == null ? null : owner.keepalive;
        if (own != null && !own.stopped()) {
            return "every " + own.intervalMillis + "ms x" + own.countMax + ", probes outstanding " + own.outstanding()
                    + ", round trip n/a (sshj does not expose it)";
        }
        Object keepAlive = conn == null ? null : api.keepAlive(conn);
        if (keepAlive == null) {
            return "n/a";
        }
        int seconds = api.keepAliveSeconds(keepAlive);
        if (seconds <= 0) {
            return "off (no keepalive interval)";
        }
        boolean runner = api.isRunner(keepAlive);
        Object queue = runner ? api.runnerQueue.get(keepAlive) : null;
        Object count = runner ? api.runnerMaxAliveCount.get(keepAlive) : null;
        if (queue instanceof java.util.Collection && count != null) {
            return "every " + seconds * 1000L + "ms x" + count + ", probes outstanding " + ((java.util.Collection<?>) queue).size()
                    + ", round trip n/a (sshj does not expose it)";
        }
        return "every " + seconds * 1000L + "ms (heartbeat: no reply expected), probes outstanding n/a";
    }

    /** The connection's channel map ({@code ConnectionImpl.channels}, id to channel). */
    @Override
    public List<Object> channels(Object client) throws Exception {
        SshjApi api = SshjApi.of(client);
        Object conn = api.connection(client);
        Object channels = conn == null ? null : api.channels(conn);
        if (!(channels instanceof Map)) {
            return Collections.emptyList();
        }
        List<Object> out = new ArrayList<Object>();
        for (Object c : ((Map<?, ?>) channels).values().toArray()) {
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    /** exec for a channel the exec hook saw; session (shell or subsystem) for another session channel; else forwarding. */
    @Override
    public String channelKind(Object channel) {
        String n = channel.getClass().getSimpleName();
        if (n.equals("SessionChannel")) {
            return EXECS.containsKey(channel) ? "exec" : "session";
        }
        if (n.contains("Forward") || n.contains("TCPIP") || n.contains("X11")) {
            return "forwarding (" + n + ")";
        }
        return n;
    }
}
