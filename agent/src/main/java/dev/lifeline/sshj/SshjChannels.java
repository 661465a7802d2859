package dev.lifeline.sshj;

import dev.lifeline.config.Policy;
import dev.lifeline.enforce.ChannelControl;
import dev.lifeline.enforce.ExecDeadline;
import dev.lifeline.report.Faults;
import dev.lifeline.sessions.SshSessions;

/** sshj exec channels ({@code SessionChannel} as {@code Session.Command}): exec deadlines. */
final class SshjChannels {
    private SshjChannels() {
    }

    static void execStarted(Object channel, Object command) throws Exception {
        Faults.inject("SshjChannels.execStarted");
        SshSessions.channelOpened(channel);
        SshjView.execStarted(channel);
        SshjClients.Client c = SshjClients.clientOfConnection(SshjApi.get(channel, "conn"));
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
        if (!Boolean.TRUE.equals(SshjApi.call(channel, "isOpen"))) {
            ended(channel);
        }
    }

    /** Any channel ended ({@code finishOff}): everything kept for it goes. */
    static void ended(Object channel) {
        ExecDeadline.ended(channel);
        SshSessions.channelClosed(channel);
        SshjView.channelEnded(channel);
    }

    /** sshj's public channel API, by reflection. */
    static final class Control implements ChannelControl {
        private final Object channel;
        private final SshjClients.Client client;

        Control(Object channel, SshjClients.Client client) {
            this.channel = channel;
            this.client = client;
        }

        @Override
        public void signal(String name) throws Exception {
            if (isClosing()) {
                return;
            }
            Class<?> signal = Class.forName("net.schmizz.sshj.connection.channel.direct.Signal", false,
                    channel.getClass().getClassLoader());
            Object value = signal.getMethod("valueOf", String.class).invoke(null, name);
            SshjApi.call(channel, "signal", value);
        }

        /** {@code closeRequested}: set once sshj has sent (or is sending) CHANNEL_CLOSE. */
        @Override
        public boolean isClosing() {
            try {
                return Boolean.TRUE.equals(SshjApi.get(channel, "closeRequested")) || isClosed();
            } catch (Throwable t) {
                return isClosed();
            }
        }

        @Override
        public void close() throws Exception {
            SshjApi.call(channel, "close");
        }

        @Override
        public boolean isClosed() {
            try {
                return !Boolean.TRUE.equals(SshjApi.call(channel, "isOpen"));
            } catch (Throwable t) {
                return false;
            }
        }

        @Override
        public void forceCloseSession() {
            Object live = client.client.get();
            if (live != null) {
                SshjClients.shut(live);
            }
        }
    }
}
