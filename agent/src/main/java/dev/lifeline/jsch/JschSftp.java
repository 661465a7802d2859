package dev.lifeline.jsch;

import dev.lifeline.config.Policy;
import dev.lifeline.enforce.SftpDeadline;
import dev.lifeline.report.Faults;

import java.io.IOException;

/**
 * {@code sftp.timeout} for JSch's {@code ChannelSftp}. Every SFTP request JSch makes waits for its response in
 * {@code header(Buffer, Header)}, on the app's own thread (JSch has no reader thread for SFTP): {@code put}, {@code get},
 * {@code ls}, {@code stat}, the streams {@code put} and {@code get} return, their {@code flush()} and {@code close()},
 * and the channel's start. Closing the channel ({@code disconnect()}) closes the pipe that wait reads, so it ends with
 * JSch's "inputstream is closed"; the hook turns that into the deadline's exception, which JSch's public methods wrap in
 * {@code SftpException} (and the streams throw as it is).
 */
final class JschSftp {
    private JschSftp() {
    }

    /** {@code header()} entered: the thread waits for a response now. @return the deadline's handle, or null */
    static Object waiting(Object channel) throws Exception {
        Faults.inject("JschSftp.waiting");
        if (!SftpDeadline.configured()) {
            return null;
        }
        Object session = JschApi.of(channel).sessionField(channel);
        if (session == null) {
            return null;
        }
        Policy p = JschChannels.policy(session);
        if (!SftpDeadline.applies(p)) {
            return null;
        }
        return SftpDeadline.started(null, channel, new Control(channel), p, "jsch", "response");
    }

    /** @return the exception the call fails with when its deadline fired, else null */
    static IOException answered(Object handle) {
        return SftpDeadline.answered(handle);
    }

    /** Closing the channel is all it takes: the waiting read sees the pipe closed. */
    private static final class Control implements SftpDeadline.SftpControl {
        private final Object channel;

        Control(Object channel) {
            this.channel = channel;
        }

        @Override
        public void failRequest(IOException why) {
            // the channel's close wakes it
        }

        @Override
        public void closeChannel() throws Exception {
            JschApi.of(channel).disconnect(channel);
        }
    }
}
