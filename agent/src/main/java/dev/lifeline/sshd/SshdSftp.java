package dev.lifeline.sshd;

import dev.lifeline.config.Policy;
import dev.lifeline.enforce.SftpDeadline;
import dev.lifeline.instrument.PerLoader;
import dev.lifeline.instrument.Reflection;
import dev.lifeline.policy.Policies;
import dev.lifeline.report.Faults;

import java.io.IOException;
import java.lang.reflect.Method;
import java.time.Duration;

/**
 * {@code sftp.timeout} for MINA's {@code SftpClient} (sshd-sftp, {@code DefaultSftpClient}). Every call that needs a
 * response (open, read, write acks, close, stat, readdir, fsync, and the streams' reads and writes) waits in
 * {@code receive(int id, Duration)}: {@code receive(int)} and {@code receive(int, long)} hand over to it. Closing the
 * SFTP channel immediately ({@code close(true)}) ends that wait with MINA's own "channel is being closed"; the hook
 * turns it into the deadline's exception (an {@code IOException}, which every {@code SftpClient} call declares).
 * The write stream's {@code write}, {@code flush} and {@code close} are bounded as a whole ({@link #streamWriting}).
 * The channel hands the client complete SFTP packets only ({@code DefaultSftpClient.data} keeps a partial one until the
 * rest comes), so a response whose body stops arriving keeps {@code receive} waiting: the wait covers the whole
 * response.
 */
final class SshdSftp {
    /** {@code DefaultSftpClient.getClientChannel()}, per copy of sshd-sftp (another jar: maybe another loader). */
    private static final PerLoader<Method> CHANNEL_GETTER = new PerLoader<Method>() {
        @Override
        protected Method create(ClassLoader loader) throws Exception {
            return SshdModule.SFTP_CLIENT_CHANNEL.method(loader);
        }
    };
    /** {@code SftpClientHolder.getClient()}: the client of a stream. */
    private static final PerLoader<Method> CLIENT_GETTER = new PerLoader<Method>() {
        @Override
        protected Method create(ClassLoader loader) throws Exception {
            return SshdModule.SFTP_STREAM_CLIENT.method(loader);
        }
    };

    private SshdSftp() {
    }

    /**
     * {@code receive(id, timeout)} entered. A wait the caller bounded more tightly than {@code sftp.timeout} (a poll,
     * an app's own timeout) is left alone: MINA ends it itself.
     *
     * @return the deadline's handle, or null
     */
    static Object waiting(Object client, Object timeout) throws Exception {
        Faults.inject("SshdSftp.waiting");
        return waiting(client, timeout, "response");
    }

    private static Object waiting(Object client, Object timeout, String op) throws Exception {
        if (!SftpDeadline.configured()) {
            return null;
        }
        Object channel = Reflection.call(CHANNEL_GETTER.of(client), client);
        if (channel == null) {
            return null;
        }
        SshdApi api = SshdApi.of(channel);
        Policy p = Policies.forAddress(api.remoteAddress(api.sessionOf(channel)));
        if (!SftpDeadline.applies(p)) {
            return null;
        }
        if (timeout instanceof Duration && !((Duration) timeout).isNegative() && !((Duration) timeout).isZero()
                && ((Duration) timeout).toMillis() <= p.sftpTimeoutMillis()) {
            return null;
        }
        return SftpDeadline.started(null, channel, new Control(channel), p, "sshd", op);
    }

    /**
     * {@code SftpOutputStreamAsync.write(byte[], int, int)}, {@code flush()} or {@code close()} entered. The write
     * stream pipelines its requests, so a stalled server shows first as a write that cannot be sent (OpenSSH stops
     * opening the channel's window when sftp-server stops reading), not as a wait for a response: the whole call is
     * bounded. A flush or the close waits for the last write to be sent: where an app flushes after each write, or its
     * upload ends within the window's 2 MB after the stall, that is the wait.
     */
    static Object streamWriting(Object stream) throws Exception {
        Faults.inject("SshdSftp.streamWriting");
        if (!SftpDeadline.configured()) {
            return null;
        }
        Object client = Reflection.call(CLIENT_GETTER.of(stream), stream);
        return client == null ? null : waiting(client, null, "write");
    }

    static IOException answered(Object handle) {
        return SftpDeadline.answered(handle);
    }

    /** {@code close(true)} on the SFTP channel: MINA marks the client closing and wakes every {@code receive}. */
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
            SshdApi.of(channel).closeImmediately(channel);
        }
    }
}
