package dev.lifeline.jsch;

import dev.lifeline.enforce.ProbeKeepalive;
import dev.lifeline.sessions.LibraryView;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/** JSch sessions as the {@code sessions} view reads them: by reflection, only when someone looks. */
final class JschView extends LibraryView {
    static final JschView INSTANCE = new JschView();
    /**
     * The pipes each channel handed the app ({@code getInputStream}, {@code getExtInputStream}): a reader waits on
     * one of them, a {@code java.io.PipedInputStream} that JSch's own fields do not reach (only the JDK's private
     * {@code PipedOutputStream.sink} does). Weak keys; an entry also goes when the channel disconnects.
     */
    private static final Map<Object, Object[]> PIPES = Collections.synchronizedMap(new WeakHashMap<Object, Object[]>());

    private JschView() {
    }

    @Override
    public String packagePrefix() {
        return "com.jcraft.jsch.";
    }

    /** Connected, or its connect still under way (registered at connect entry). */
    @Override
    public boolean isOpen(Object session) throws Exception {
        return JschApi.of(session).isConnected(session) || JschSessions.isConnecting(session);
    }

    /**
     * JSch sends one {@code keepalive@jcraft.com} per read timeout and counts them until a packet arrives: that streak
     * is the probes outstanding. JSch keeps no reply time, so no round trip. Through a proxy that gives JSch no socket
     * JSch's keepalive cannot run: Lifeline's probes, or "off" with the inert values.
     */
    @Override
    public String keepalive(Object session) throws Exception {
        JschApi api = JschApi.of(session);
        ProbeKeepalive own = JschProxyKeepalive.of(session);
        if (own != null) {
            return "every " + own.intervalMillis + "ms x" + own.countMax + " by Lifeline's probes (the proxy gives JSch no"
                    + " socket), probes outstanding " + own.outstanding() + ", round trip n/a";
        }
        int interval = api.aliveInterval(session);
        long every = interval > 0 ? interval : api.timeout(session);
        if (every <= 0) {
            return "off (no ServerAliveInterval, no timeout)";
        }
        if (JschProxyKeepalive.socketless(api, session)) {
            return "off: JSch's keepalive cannot run, the proxy gives it no socket (every " + every + "ms x"
                    + api.aliveCountMax(session) + " set but inert)";
        }
        return "every " + every + "ms x" + api.aliveCountMax(session) + ", probes outstanding "
                + JschSessions.probesOutstanding(session) + ", round trip n/a (JSch does not expose it)";
    }

    /** mwiede 2.x keeps a session's channels in {@code Session.channels}; older lines in the static {@code Channel.pool}. */
    @Override
    public List<Object> channels(Object session) throws Exception {
        JschApi api = JschApi.of(session);
        List<?> own = api.ownChannels(session);
        if (own != null) {
            return copy(api, own, null);
        }
        List<?> pool = api.channelPool();
        return pool != null ? copy(api, pool, session) : Collections.<Object>emptyList();
    }

    private static List<Object> copy(JschApi api, List<?> list, Object session) throws Exception {
        Object[] all;
        synchronized (list) { // Channel.pool is a Vector; Session.channels is read under JSch's own lock: retry below
            all = list.toArray();
        }
        List<Object> out = new ArrayList<Object>();
        for (Object c : all) {
            if (c != null && (session == null || api.sessionField(c) == session)) {
                out.add(c);
            }
        }
        return out;
    }

    static void pipeOpened(Object channel, Object pipe) {
        if (channel == null || pipe == null) {
            return;
        }
        synchronized (PIPES) {
            Object[] had = PIPES.get(channel);
            Object[] now = had == null ? new Object[1] : java.util.Arrays.copyOf(had, had.length + 1);
            now[now.length - 1] = pipe;
            PIPES.put(channel, now);
        }
    }

    static void channelEnded(Object channel) {
        if (!PIPES.isEmpty()) {
            PIPES.remove(channel);
        }
    }

    @Override
    public List<Object> monitors(Object channel) {
        Object[] pipes = PIPES.get(channel);
        return pipes == null ? Collections.emptyList() : java.util.Arrays.asList(pipes);
    }

    @Override
    public String channelKind(Object channel) {
        String n = channel.getClass().getSimpleName();
        if (n.equals("ChannelExec")) {
            return "exec";
        }
        if (n.equals("ChannelSftp")) {
            return "sftp";
        }
        if (n.equals("ChannelShell")) {
            return "shell";
        }
        if (n.equals("ChannelSubsystem")) {
            return "subsystem";
        }
        if (n.contains("TCPIP") || n.contains("Forward") || n.contains("X11") || n.contains("Agent")) {
            return "forwarding (" + n + ")";
        }
        return n;
    }
}
