package dev.lifeline.sshd;

import dev.lifeline.enforce.ProbeKeepalive;
import dev.lifeline.instrument.Reflection;
import dev.lifeline.sessions.LibraryView;
import dev.lifeline.sessions.SshSessions;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/** MINA client sessions as the {@code sessions} view reads them: public API by reflection, only when someone looks. */
final class SshdView extends LibraryView {
    static final SshdView INSTANCE = new SshdView();

    private SshdView() {
    }

    @Override
    public String packagePrefix() {
        return "org.apache.sshd.";
    }

    @Override
    public boolean isOpen(Object session) throws Exception {
        return SshdApi.of(session).isOpen(session);
    }

    /**
     * The {@code AbstractSession.handleMessage} hook's clock (every packet from the peer); before its first packet,
     * MINA's idle clock ({@code getIdleTimeoutStart()}), which MINA also resets on its own writes.
     */
    @Override
    public long lastPacketNanos(Object session, long fromHook) throws Exception {
        if (fromHook != 0) {
            return fromHook;
        }
        Object start = SshdApi.of(session).idleTimeoutStart(session);
        if (!(start instanceof Instant)) {
            return fromHook;
        }
        long agoNanos = Duration.between((Instant) start, Instant.now()).toNanos();
        return System.nanoTime() - Math.max(0, agoNanos);
    }

    /** The heartbeat's settings and, on 2.13+, its count of requests without a reply; MINA keeps no round trip. */
    @Override
    public String keepalive(Object session) throws Exception {
        Object own = SshSessions.memo(session);
        if (own instanceof ProbeKeepalive) { // before 2.13: Lifeline's probe in place of MINA's heartbeat
            ProbeKeepalive k = (ProbeKeepalive) own;
            return "every " + k.intervalMillis + "ms x" + k.countMax + " (Lifeline's probe), probes outstanding " + k.outstanding()
                    + ", round trip n/a (MINA does not expose it)";
        }
        SshdApi api = SshdApi.of(session);
        Object service = api.connectionService(session);
        if (service == null) {
            return "n/a (no connection service yet)";
        }
        Object interval = Reflection.readQuietly(api.serviceHeartbeatInterval, service);
        if (!(interval instanceof Duration) || ((Duration) interval).isZero() || ((Duration) interval).isNegative()) {
            return "off (no heartbeat)";
        }
        Object max = Reflection.readQuietly(api.serviceNoReplyMax, service);
        Object outstanding = Reflection.readQuietly(api.serviceOutstanding, service);
        return "every " + ((Duration) interval).toMillis() + "ms"
                + (max == null ? " (reply wait per probe, MINA before 2.13)" : " x" + max)
                + ", probes outstanding " + (outstanding == null ? "n/a (MINA before 2.13 does not count them)" : outstanding)
                + ", round trip n/a (MINA does not expose it)";
    }

    @Override
    public List<Object> channels(Object session) throws Exception {
        SshdApi api = SshdApi.of(session);
        Object service = api.connectionService(session);
        if (service == null) {
            return Collections.emptyList();
        }
        Object all = api.channels(service);
        return all instanceof Collection ? new ArrayList<Object>((Collection<?>) all) : Collections.emptyList();
    }

    @Override
    public String channelKind(Object channel) throws Exception {
        String n = channel.getClass().getSimpleName();
        if (n.equals("ChannelExec")) {
            return "exec";
        }
        if (n.equals("ChannelShell")) {
            return "shell";
        }
        String subsystem = SshdApi.of(channel).subsystemOf(channel);
        if (subsystem != null) {
            return "sftp".equals(subsystem) ? "sftp" : "subsystem " + subsystem;
        }
        if (n.contains("Tcpip") || n.contains("Forward") || n.contains("Agent") || n.contains("X11")) {
            return "forwarding (" + n + ")";
        }
        return n;
    }
}
