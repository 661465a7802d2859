package dev.lifeline.jsch;

import dev.lifeline.enforce.ForwardIdle;
import dev.lifeline.report.Faults;
import dev.lifeline.sessions.ChannelHooks;

import java.io.IOException;
import java.io.InputStream;

/**
 * The static methods woven into JSch ({@link JschModule}): each hands over to {@link JschSessions},
 * {@link JschChannels} or the hooks every library shares ({@link ChannelHooks}). JDK types only, so they link wherever
 * JSch lives; each one catches what it throws and counts it ({@link Faults#suppressed}): the application never sees
 * Lifeline fail.
 */
public final class JschHooks {
    private JschHooks() {
    }

    /** {@code Session.connect(int)} entry: keepalive set on the session; returns the connect timeout to use. */
    public static int connectStarting(Object session, int timeout) {
        try {
            return JschSessions.connecting(session, timeout);
        } catch (Throwable t) {
            Faults.suppressed(t);
            return timeout;
        }
    }

    public static void connectEnded(Throwable thrown, Object session, int timeout) {
        try {
            JschSessions.connected(session, thrown);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** Every packet the reader thread reads: next to nothing unless the read failed. */
    public static void readEnded(Throwable thrown, Object session) {
        try {
            if (thrown == null) {
                JschSessions.readOk(session);
            } else {
                JschSessions.readFailed(session, thrown);
            }
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** @return the close deadline that {@link #disconnected} cancels */
    public static Object sessionDisconnecting(Object session) {
        try {
            return JschChannels.sessionDisconnecting(session);
        } catch (Throwable t) {
            Faults.suppressed(t);
            return null;
        }
    }

    public static Object channelDisconnecting(Object channel) {
        try {
            return JschChannels.channelDisconnecting(channel);
        } catch (Throwable t) {
            Faults.suppressed(t);
            return null;
        }
    }

    /** Session or channel {@code disconnect()} returned or threw. */
    public static void disconnected(Throwable thrown, Object closeDeadline, Object sessionOrChannel) {
        try {
            JschChannels.disconnected(closeDeadline, sessionOrChannel);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** Every data packet of every channel: one map lookup. */
    public static void output(Object channel) {
        ChannelHooks.output(channel);
    }

    /** {@code Channel.getInputStream()} / {@code getExtInputStream()} returned: the pipe a reader will wait on. */
    public static void pipeOpened(Object pipe, Object channel) {
        try {
            JschView.pipeOpened(channel, pipe);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** {@code ChannelSftp.header()} entered: the channel's pipe carries SFTP responses (registered for sftp.timeout). */
    public static void sftpResponseExpected(Object channel) {
        try {
            JschSftp.responseExpected(channel);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /**
     * Replaces every {@code InputStream.read(byte[], int, int)} in {@code ChannelSftp} and its {@code get()} stream. On
     * an SFTP channel's pipe with nothing to read yet, the read is bounded by {@code sftp.timeout}. One of the hooks that
     * throw into the app, on purpose: when the deadline fired on this read, it fails with Lifeline's exception instead
     * of returning the pipe's end (JSch would take that for the end of the data in places).
     */
    public static int sftpRead(Object stream, Object bytes, int off, int len) throws IOException {
        Object deadline = sftpReading(stream);
        int n;
        try {
            n = ((InputStream) stream).read((byte[]) bytes, off, len);
        } catch (Throwable t) {
            sftpReadEnded(deadline, t);
            throw t;
        }
        sftpReadEnded(deadline, null);
        return n;
    }

    /** As {@link #sftpRead}, for {@code InputStream.skip(long)} (JSch skips what it does not use of a response). */
    public static long sftpSkip(Object stream, long n) throws IOException {
        Object deadline = sftpReading(stream);
        long skipped;
        try {
            skipped = ((InputStream) stream).skip(n);
        } catch (Throwable t) {
            sftpReadEnded(deadline, t);
            throw t;
        }
        sftpReadEnded(deadline, null);
        return skipped;
    }

    private static Object sftpReading(Object stream) {
        try {
            return JschSftp.reading(stream);
        } catch (Throwable t) {
            Faults.suppressed(t);
            return null;
        }
    }

    /** A bounded wait (a read of the pipe, a write waiting for the window) is over: Lifeline's exception if it fired. */
    private static void sftpReadEnded(Object deadline, Throwable thrown) throws IOException {
        if (deadline == null) {
            return;
        }
        IOException fail;
        try {
            fail = JschSftp.answered(deadline);
            if (fail != null && thrown != null) {
                fail.initCause(thrown);
            }
        } catch (Throwable t) {
            Faults.suppressed(t);
            return;
        }
        if (fail != null) {
            throw fail;
        }
    }

    /** {@code setPortForwardingL} returned the local port bound. */
    public static void forwardListening(int boundPort, Object session, Object bindAddress, int port, Object host,
            int hostPort, Object serverSocketFactory, int connectTimeout) {
        try {
            JschForwards.listening(session, bindAddress, boundPort, host, hostPort);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** {@code ChannelDirectTCPIP.connect(int)} returned: a forwarded connection is open. */
    public static void forwardConnected(Object channel) {
        try {
            JschForwards.connected(channel);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /**
     * Every channel data packet the app side sends: a forwarded connection's idle clock restarts; an SFTP write the
     * channel's window does not take is bounded by {@code sftp.timeout}.
     *
     * @return the deadline's handle when an SFTP write will wait for the window, else null
     */
    public static Object channelWriting(Object session, Object packet, Object channel, int length) {
        try {
            ForwardIdle.activity(channel);
            return JschSftp.windowWaiting(session, channel, length);
        } catch (Throwable t) {
            Faults.suppressed(t);
            return null;
        }
    }

    /**
     * The write returned or threw. When {@code sftp.timeout} fired on its wait for the window, it fails with Lifeline's
     * exception instead of JSch's "channel is broken" (the deadline's close of the channel is what ended the wait), as
     * {@link #sftpRead} does.
     */
    public static void channelWritten(Throwable thrown, Object deadline, Object session, Object packet, Object channel,
            int length) throws IOException {
        sftpReadEnded(deadline, thrown);
    }

    public static void execStarted(Object channel) {
        ChannelHooks.execStarted(JschChannels.EXEC, channel, null);
    }

    /** A command a deadline sent TERM reports JSch's "no exit status" (-1), even if it trapped TERM and exited 0. */
    public static int exitStatus(int status, Object channel) {
        return ChannelHooks.exitStatus(status, channel);
    }
}
