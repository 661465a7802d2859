package dev.lifeline.ssh2family;

import dev.lifeline.config.Policy;
import dev.lifeline.enforce.ChannelControl;
import dev.lifeline.enforce.ExecDeadline;
import dev.lifeline.report.Faults;
import dev.lifeline.sessions.ChannelHooks;
import dev.lifeline.sessions.SshSessions;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Exec deadlines over the family's {@code Session.execCommand}. A deadline is keyed by the session's channel (the
 * object channel data is counted against): TERM where the library can send signals (Jenkins' fork), then
 * {@code Session.close()}, which marks the channel closed and wakes every thread in {@code waitForCondition} or a
 * stream read before it writes CHANNEL_CLOSE; the socket is shut when that write does not return.
 */
final class Ssh2Channels {
    /** Channels an exec ran on, for the sessions view (weak: the library lets go of closed channels). */
    private static final Map<Object, Boolean> EXECS = Collections.synchronizedMap(new WeakHashMap<Object, Boolean>());

    private Ssh2Channels() {
    }

    static void execStarted(Ssh2Library lib, Object session, Object command) throws Exception {
        Faults.inject("Ssh2Channels.execStarted");
        Ssh2Api api = lib.api(session);
        Object channel = api.channelOf(session);
        Ssh2Connection c = Ssh2Sessions.BY_MANAGER.get(api.managerOf(session));
        if (channel == null || c == null) {
            return;
        }
        EXECS.put(channel, Boolean.TRUE);
        SshSessions.channelOpened(channel);
        ExecDeadline.started(channel, new Control(c, session, channel), c.policy(), lib.name,
                command instanceof String ? (String) command : null);
    }

    /** A channel data message arrives (receive thread): the idle clock of an exec on that channel restarts. */
    static void data(Ssh2Library lib, Object manager, byte[] msg, int len) {
        Ssh2Connection c = Ssh2Sessions.BY_MANAGER.get(manager);
        if (c != null) {
            SshSessions.packet(c.connection);
        }
        if (ExecDeadline.watched() == 0 || msg == null || len < 5) {
            return;
        }
        int id = ((msg[1] & 0xff) << 24) | ((msg[2] & 0xff) << 16) | ((msg[3] & 0xff) << 8) | (msg[4] & 0xff);
        Object channel = lib.api(manager).channel(manager, id);
        if (channel != null) {
            ExecDeadline.output(channel);
        }
    }

    /** {@code Session.close()} entry, by the app or a deadline: the exec is over. */
    static void sessionClosing(Ssh2Library lib, Object session) {
        Object channel = lib.api(session).channelOf(session);
        if (channel != null) {
            ExecDeadline.ended(channel);
            SshSessions.channelClosed(channel);
        }
    }

    /** No exit status (null) for a command a deadline ended, as for one killed by a signal. */
    static Object exitStatus(Ssh2Library lib, Object status, Object session) {
        Object channel = lib.api(session).channelOf(session);
        return channel == null ? status : ChannelHooks.exitStatus(status, channel);
    }

    /**
     * An exec channel found open at attach ({@link Ssh2FoundExecs}): its deadlines count from now. The app's
     * {@code Session} is not known, so the deadline acts on the channel as {@code Session.close()} does.
     */
    static void foundExec(Ssh2Connection c, Object channel, Policy policy) {
        EXECS.put(channel, Boolean.TRUE);
        ExecDeadline.started(channel, new Control(c, null, channel), policy, c.lib.name, null);
    }

    static boolean isExec(Object channel) {
        return EXECS.containsKey(channel);
    }

    static final class Control implements ChannelControl {
        private final Ssh2Connection c;
        /** Null for a channel found at attach: then the channel itself is signalled and closed. */
        private final Object session;
        private final Object channel;

        Control(Ssh2Connection c, Object session, Object channel) {
            this.c = c;
            this.session = session;
            this.channel = channel;
        }

        @Override
        public boolean sendsSignals() {
            return session != null ? c.api().sendsSignals() : c.api().channelSignal != null;
        }

        /** Jenkins' fork has {@code Session.signal}; elsewhere nothing is sent and the close follows the grace. */
        @Override
        public void signal(String name) throws Exception {
            if (session != null) {
                c.api().signal(session, name);
            } else {
                c.api().signalChannel(channel, name);
            }
        }

        @Override
        public void close() throws Exception {
            if (session != null) {
                c.api().closeSession(session);
            } else {
                c.api().closeChannel(c.manager, channel);
            }
        }

        @Override
        public boolean isClosed() {
            return c.api().isClosed(channel);
        }

        @Override
        public boolean isClosing() {
            Ssh2Api api = c.api();
            return api.isClosed(channel) || api.closeSent(channel);
        }

        @Override
        public void forceCloseSession() {
            Ssh2Sessions.shut(c);
        }
    }
}
