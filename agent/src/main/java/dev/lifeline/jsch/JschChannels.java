package dev.lifeline.jsch;

import dev.lifeline.Lifeline;
import dev.lifeline.config.Mode;
import dev.lifeline.config.Policy;
import dev.lifeline.enforce.ChannelControl;
import dev.lifeline.enforce.CloseDeadline;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.enforce.ExecDeadline;
import dev.lifeline.report.Faults;

import java.nio.charset.StandardCharsets;

/**
 * The logic behind JSch channel and disconnect advice; JDK types only. JSch's {@code disconnect()} of a channel or a
 * session writes a close packet under the session's write lock: when another thread is stuck writing to a dead peer
 * (a full send buffer), disconnect waits for that lock forever. Shutting the socket frees both.
 */
public final class JschChannels {
    private JschChannels() {
    }

    private static Policy policy(String host, int port) {
        if (!Lifeline.active() || host == null) {
            return null;
        }
        Policy p = Lifeline.config().policyFor(host, null, port);
        return p.mode() == Mode.OFF ? null : p;
    }

    public static void execStarted(Object channel, Object session, String host, int port, byte[] command) {
        Faults.inject("JschChannels.execStarted");
        Policy p = policy(host, port);
        if (p != null) {
            ExecDeadline.started(channel, new Control(channel, session), p, "jsch",
                    command == null ? null : new String(command, StandardCharsets.UTF_8));
        }
    }

    /** Channel.disconnect() entered (by the app, by a remote close, or by Session.disconnect()). */
    public static DeadlineScheduler.Deadline channelDisconnecting(Object channel, final Object session, String host, int port) {
        Faults.inject("JschChannels.channelDisconnecting");
        ExecDeadline.ended(channel);
        return armClose("channel.disconnect", session, host, port);
    }

    public static DeadlineScheduler.Deadline sessionDisconnecting(Object session, String host, int port) {
        Faults.inject("JschChannels.sessionDisconnecting");
        return armClose("session.disconnect", session, host, port);
    }

    private static DeadlineScheduler.Deadline armClose(String what, final Object session, String host, int port) {
        if (session == null) {
            return null;
        }
        return CloseDeadline.arm(what, policy(host, port), "jsch", new Runnable() {
            @Override
            public void run() {
                JschSessions.closeQuietly(JschSessions.socketOf(session));
            }
        });
    }

    public static void disconnected(DeadlineScheduler.Deadline d) {
        Faults.inject("JschChannels.disconnected");
        CloseDeadline.disarm(d);
    }

    /** JSch's public channel API, by reflection: the channel's class may come from a loader the agent cannot see. */
    static final class Control implements ChannelControl {
        private final Object channel;
        private final Object session;

        Control(Object channel, Object session) {
            this.channel = channel;
            this.session = session;
        }

        /**
         * Under the channel's monitor, which JSch's own {@code close()} takes to write CHANNEL_CLOSE (after setting its
         * closed flag): so a signal is either written before the close or not at all.
         */
        @Override
        public void signal(String name) throws Exception {
            synchronized (channel) {
                if (isClosed()) {
                    return;
                }
                channel.getClass().getMethod("sendSignal", String.class).invoke(channel, name);
            }
        }

        /** JSch sets its closed flag first thing in {@code close()}, before writing CHANNEL_CLOSE. */
        @Override
        public boolean isClosing() {
            return isClosed();
        }

        @Override
        public void close() throws Exception {
            channel.getClass().getMethod("disconnect").invoke(channel);
        }

        @Override
        public boolean isClosed() {
            try {
                return Boolean.TRUE.equals(channel.getClass().getMethod("isClosed").invoke(channel));
            } catch (Throwable t) {
                return false;
            }
        }

        @Override
        public void forceCloseSession() {
            JschSessions.closeQuietly(JschSessions.socketOf(session));
        }
    }
}
