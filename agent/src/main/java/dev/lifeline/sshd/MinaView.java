package dev.lifeline.sshd;

import dev.lifeline.instrument.Fields;
import dev.lifeline.sessions.LibraryView;

import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/** MINA client sessions as the {@code sessions} view reads them: public API by reflection, only when someone looks. */
final class MinaView extends LibraryView {
    static final MinaView INSTANCE = new MinaView();

    private MinaView() {
    }

    @Override
    public String packagePrefix() {
        return "org.apache.sshd.";
    }

    @Override
    public boolean isOpen(Object session) throws Exception {
        return Boolean.TRUE.equals(session.getClass().getMethod("isOpen").invoke(session));
    }

    /** MINA's idle clock ({@code getIdleTimeoutStart()}), which every message from the peer resets. */
    @Override
    public long lastPacketNanos(Object session, long fromHook) throws Exception {
        Object start = session.getClass().getMethod("getIdleTimeoutStart").invoke(session);
        if (!(start instanceof Instant)) {
            return fromHook;
        }
        long agoNanos = Duration.between((Instant) start, Instant.now()).toNanos();
        return System.nanoTime() - Math.max(0, agoNanos);
    }

    /** The heartbeat's settings and, on 2.13+, its count of requests without a reply; MINA keeps no round trip. */
    @Override
    public String keepalive(Object session) throws Exception {
        Object service = connectionService(session);
        if (service == null) {
            return "n/a (no connection service yet)";
        }
        Object interval = Fields.readQuietly(service, "heartbeatInterval");
        if (!(interval instanceof Duration) || ((Duration) interval).isZero() || ((Duration) interval).isNegative()) {
            return "off (no heartbeat)";
        }
        Object max = Fields.readQuietly(service, "heartbeatMaxNoReply");
        Object outstanding = Fields.readQuietly(service, "outstandingHeartbeats");
        return "every " + ((Duration) interval).toMillis() + "ms"
                + (max == null ? " (reply wait per probe, MINA before 2.13)" : " x" + max)
                + ", probes outstanding " + (outstanding == null ? "n/a (MINA before 2.13 does not count them)" : outstanding)
                + ", round trip n/a (MINA does not expose it)";
    }

    @Override
    public String user(Object session) throws Exception {
        Object user = session.getClass().getMethod("getUsername").invoke(session);
        return user == null ? null : user.toString();
    }

    @Override
    public List<Object> channels(Object session) throws Exception {
        Object service = connectionService(session);
        if (service == null) {
            return Collections.emptyList();
        }
        Object all = service.getClass().getMethod("getChannels").invoke(service);
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
        for (Class<?> c = channel.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getSimpleName().equals("ChannelSubsystem")) {
                Object name = c.getMethod("getSubsystem").invoke(channel);
                return "sftp".equals(name) ? "sftp" : "subsystem " + name;
            }
        }
        if (n.contains("Tcpip") || n.contains("Forward") || n.contains("Agent") || n.contains("X11")) {
            return "forwarding (" + n + ")";
        }
        return n;
    }

    private static Object connectionService(Object session) throws Exception {
        Class<?> type = Class.forName("org.apache.sshd.common.session.ConnectionService", false,
                session.getClass().getClassLoader());
        Method get = session.getClass().getMethod("getService", Class.class);
        try {
            return get.invoke(session, type);
        } catch (java.lang.reflect.InvocationTargetException none) {
            return null; // not yet started
        }
    }

    /** The address and user as the app gave them: {@code ClientSession.getConnectAddress()}, else the remote address. */
    static void register(final Object session, MinaApi api) {
        try {
            registerOrThrow(session, api);
        } catch (Throwable t) {
            dev.lifeline.report.Faults.suppressed(t); // the session's policy still applies
        }
    }

    private static void registerOrThrow(final Object session, MinaApi api) throws Exception {
        SocketAddress target = null;
        try {
            target = (SocketAddress) session.getClass().getMethod("getConnectAddress").invoke(session);
        } catch (Throwable older) {
            // below
        }
        if (target == null) {
            target = api.remoteAddress(session);
        }
        String host = target instanceof InetSocketAddress ? ((InetSocketAddress) target).getHostString() : String.valueOf(target);
        int port = target instanceof InetSocketAddress ? ((InetSocketAddress) target).getPort() : 0;
        // MINA sets the user after the session (and this hook) exists: read when listed
        dev.lifeline.sessions.SshSessions.opened(session, "sshd", host, port, null, INSTANCE);
        SshdChannels.whenClosed(session, new Runnable() {
            @Override
            public void run() {
                dev.lifeline.sessions.SshSessions.closed(session);
            }
        });
    }
}
