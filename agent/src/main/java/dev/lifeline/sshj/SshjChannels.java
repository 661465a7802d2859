package dev.lifeline.sshj;

import dev.lifeline.config.Policy;
import dev.lifeline.enforce.Actions;
import dev.lifeline.enforce.ChannelControl;
import dev.lifeline.enforce.CloseDeadline;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.enforce.ExecDeadline;
import dev.lifeline.enforce.ForwardIdle;
import dev.lifeline.instrument.LiveThreads;
import dev.lifeline.report.Faults;
import dev.lifeline.sessions.ChannelHooks;
import dev.lifeline.sessions.SshSessions;

import java.lang.ref.WeakReference;

/**
 * sshj channels ({@code SessionChannel} as {@code Session.Command}): exec deadlines; and the close deadline over a
 * client's {@code disconnect()}.
 */
final class SshjChannels {
    private static final String TRANSPORT = "net.schmizz.sshj.transport.TransportImpl";

    /** What {@link ChannelHooks#execStarted} runs for sshj. */
    static final ChannelHooks.ExecStart EXEC = new ChannelHooks.ExecStart() {
        @Override
        public void execStarted(Object channel, Object command) throws Exception {
            SshjChannels.execStarted(channel, command);
        }
    };

    private SshjChannels() {
    }

    static void execStarted(Object channel, Object command) throws Exception {
        Faults.inject("SshjChannels.execStarted");
        SshSessions.channelOpened(channel);
        SshjView.execStarted(channel);
        SshjApi api = SshjApi.of(channel);
        SshjSessions.Client c = SshjSessions.clientOfConnection(api.connectionOfChannel(channel));
        Policy p = c == null ? null : c.policy();
        if (p != null) {
            ExecDeadline.started(channel, new Control(channel, c), p, "sshj", command == null ? null : command.toString());
        }
        // exec() returns once the server accepted the request; by then sshj's reader thread may already have read the
        // command's exit, EOF and close and run finishOff (the channelEnded hook), for a quick command often. The entries
        // just made would then stay: a deadline armed for exec.timeout holding the channel and its buffers (with
        // exec.timeout=1h, nearly every exec's channel: ~67 KB of heap per exec). Every way into finishOff makes
        // isOpen() false first (gotClose sets closeRequested, notifyError fails openEvent), and isOpen() reads under the
        // channel's lock, so checking after the entries are made sees any end they missed.
        if (!api.isOpen(channel)) {
            ended(channel);
        }
    }

    /** Any channel ended ({@code finishOff}): everything kept for it goes. */
    static void ended(Object channel) {
        ExecDeadline.ended(channel);
        ForwardIdle.ended(channel);
        SshSessions.channelClosed(channel);
        SshjView.channelEnded(channel);
    }

    /** {@code close.timeout} over {@code SSHClient.disconnect()}: past it the client's socket is shut. */
    static DeadlineScheduler.Deadline closeDeadline(Object client, Policy policy) {
        final WeakReference<Object> ref = new WeakReference<Object>(client);
        return CloseDeadline.arm("client.disconnect", policy, "sshj", new Runnable() {
            @Override
            public void run() {
                Object live = ref.get();
                if (live != null) {
                    SshjSockets.shut(live);
                }
            }
        });
    }

    static void closeEnded(Object closeDeadline) {
        Faults.inject("SshjChannels.closeEnded");
        if (closeDeadline instanceof DeadlineScheduler.Deadline) {
            CloseDeadline.disarm((DeadlineScheduler.Deadline) closeDeadline);
        }
    }

    /** sshj's public channel API, by reflection. */
    static final class Control implements ChannelControl {
        private final Object channel;
        private final SshjSessions.Client client;

        Control(Object channel, SshjSessions.Client client) {
            this.channel = channel;
            this.client = client;
        }

        @Override
        public void signal(String name) throws Exception {
            if (isClosing()) {
                return;
            }
            SshjApi.of(channel).signal(channel, name);
        }

        /** {@code closeRequested}: set once sshj has sent (or is sending) CHANNEL_CLOSE. */
        @Override
        public boolean isClosing() {
            try {
                return SshjApi.of(channel).closeRequested(channel) || isClosed();
            } catch (Throwable t) {
                return isClosed();
            }
        }

        @Override
        public void close() throws Exception {
            SshjApi.of(channel).close(channel);
        }

        @Override
        public boolean isClosed() {
            try {
                return !SshjApi.of(channel).isOpen(channel);
            } catch (Throwable t) {
                return false;
            }
        }

        @Override
        public void forceCloseSession() {
            final Object live = client.client.get();
            if (live != null && LiveThreads.isA(live, TRANSPORT)) {
                // found at attach: the transport is all Lifeline holds (no SSHClient, no socket); it dies as under a
                // dead peer, on a pool thread since die() writes a disconnect packet, and closes the socket's streams
                Actions.run("sshj.exec.transport-die", new Runnable() {
                    @Override
                    public void run() {
                        try {
                            SshjApi api = SshjApi.of(live);
                            api.die(live, api.connectionLost("exec channel close stuck past close.timeout (Lifeline)"));
                        } catch (Throwable t) {
                            Faults.suppressed(t);
                        }
                    }
                });
            } else if (live != null) {
                SshjSockets.shut(live);
            }
        }
    }
}
