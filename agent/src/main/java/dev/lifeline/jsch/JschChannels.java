package dev.lifeline.jsch;

import dev.lifeline.config.Config;
import dev.lifeline.config.Policy;
import dev.lifeline.enforce.ChannelControl;
import dev.lifeline.enforce.CloseDeadline;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.enforce.ExecDeadline;
import dev.lifeline.enforce.ForwardIdle;
import dev.lifeline.policy.Policies;
import dev.lifeline.report.Faults;
import dev.lifeline.sessions.ChannelHooks;
import dev.lifeline.sessions.SshSessions;

import java.nio.charset.StandardCharsets;

/**
 * JSch channels: exec deadlines and close deadlines. JSch's {@code disconnect()} of a channel or a session writes a
 * close packet under the session's write lock: when another thread is stuck writing to a dead peer (a full send
 * buffer), disconnect waits for that lock forever. Shutting the socket frees both.
 */
final class JschChannels {
    /** What {@link ChannelHooks#execStarted} runs for JSch. */
    static final ChannelHooks.ExecStart EXEC = new ChannelHooks.ExecStart() {
        @Override
        public void execStarted(Object channel, Object command) throws Exception {
            JschChannels.execStarted(channel);
        }
    };

    private JschChannels() {
    }

    private static final class Memo {
        final Config config;
        final Policy policy;

        Memo(Config config, Policy policy) {
            this.config = config;
            this.policy = policy;
        }
    }

    static Policy policy(Object session) throws Exception {
        Config active = Policies.activeConfig();
        if (active == null) {
            return null;
        }
        // execs on one session ask twice each (start, disconnect): kept with the open session's registry entry
        Object memo = SshSessions.memo(session);
        if (memo instanceof Memo && ((Memo) memo).config == active) {
            return ((Memo) memo).policy;
        }
        JschApi api = JschApi.of(session); // two reflective calls, a cache key string and a lookup
        Policy p = Policies.forHost(api.host(session), null, api.port(session));
        SshSessions.memo(session, new Memo(active, p));
        return p;
    }

    /** {@code ChannelExec.start()} returned: the command runs. */
    static void execStarted(Object channel) throws Exception {
        Faults.inject("JschChannels.execStarted");
        SshSessions.channelOpened(channel);
        JschApi api = JschApi.of(channel);
        Object session = api.sessionOf(channel);
        Policy p = policy(session);
        if (ExecDeadline.applies(p)) { // else no need to decode the command
            byte[] command = api.command(channel);
            ExecDeadline.started(channel, new Control(channel, session), p, "jsch",
                    command == null ? null : new String(command, StandardCharsets.UTF_8));
        }
    }

    /** Channel.disconnect() entered (by the app, by a remote close, or by Session.disconnect()). */
    static DeadlineScheduler.Deadline channelDisconnecting(Object channel) throws Exception {
        Faults.inject("JschChannels.channelDisconnecting");
        ExecDeadline.ended(channel);
        ForwardIdle.ended(channel);
        Object session;
        try {
            session = JschApi.of(channel).sessionOf(channel);
        } catch (Exception notConnected) {
            return null; // JSch throws when the channel has no session: nothing to bound
        }
        return closeDeadline("channel.disconnect", session);
    }

    static DeadlineScheduler.Deadline sessionDisconnecting(Object session) throws Exception {
        JschSessions.forget(session);
        Faults.inject("JschChannels.sessionDisconnecting");
        return closeDeadline("session.disconnect", session);
    }

    /** {@code close.timeout} over a disconnect: past it the session's socket is shut, which frees JSch's write lock. */
    private static DeadlineScheduler.Deadline closeDeadline(String what, final Object session) throws Exception {
        if (session == null) {
            return null;
        }
        return CloseDeadline.arm(what, policy(session), "jsch", new Runnable() {
            @Override
            public void run() {
                JschSockets.shut(session);
            }
        });
    }

    /** A session's or channel's {@code disconnect()} returned or threw. */
    static void disconnected(Object closeDeadline, Object sessionOrChannel) {
        JschSessions.closed(sessionOrChannel);
        JschView.channelEnded(sessionOrChannel); // its pipes (nothing for a session)
        Faults.inject("JschChannels.disconnected");
        if (closeDeadline instanceof DeadlineScheduler.Deadline) {
            CloseDeadline.disarm((DeadlineScheduler.Deadline) closeDeadline);
        }
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
                JschApi.of(channel).signal(channel, name);
            }
        }

        /** JSch sets its closed flag first thing in {@code close()}, before writing CHANNEL_CLOSE. */
        @Override
        public boolean isClosing() {
            return isClosed();
        }

        @Override
        public void close() throws Exception {
            JschApi.of(channel).disconnect(channel);
        }

        @Override
        public boolean isClosed() {
            try {
                return JschApi.of(channel).isClosed(channel);
            } catch (Throwable t) {
                return false;
            }
        }

        @Override
        public void forceCloseSession() {
            JschSockets.shut(session);
        }
    }
}
