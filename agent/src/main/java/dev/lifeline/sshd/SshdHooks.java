package dev.lifeline.sshd;

import dev.lifeline.enforce.ForwardIdle;
import dev.lifeline.report.Faults;
import dev.lifeline.sessions.ChannelHooks;
import dev.lifeline.sessions.SshSessions;

import java.io.IOException;

/**
 * The static methods woven into MINA ({@link SshdModule}). JDK types only, so they link wherever MINA lives; each one
 * catches what it throws and counts it ({@link Faults#suppressed}): the application never sees Lifeline fail.
 */
public final class SshdHooks {
    private SshdHooks() {
    }

    /** {@code ClientConnectionService(session)}, before {@code super()}: MINA 2.13+. */
    public static void serviceCreating(Object session) {
        try {
            SshdSessions.serviceCreating(session, false);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** The same for MINA 2.9 to 2.12. */
    public static void legacyServiceCreating(Object session) {
        try {
            SshdSessions.serviceCreating(session, true);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    public static void heartbeatStarting(Object service) {
        try {
            SshdSessions.heartbeatStarting(service);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** Every packet MINA decodes ({@code AbstractSession.handleMessage}): the session's last-packet clock. */
    public static void packetReceived(Object session) {
        try {
            SshSessions.packet(session);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    public static void heartbeatEnded(Throwable thrown, Object service) {
        SshdSessions.heartbeatEnded();
    }

    public static void exceptionCaught(Object session, Object error) {
        try {
            SshdSessions.exceptionCaught(session);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    public static void authenticated(Object session) {
        try {
            SshdConnectDeadline.authenticated(session);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /**
     * {@code Nio2Connector}, {@code MinaConnector} or {@code NettyIoConnector}{@code .connect(target, context, local)}
     * returned the I/O connect future (every client session, on whichever transport).
     */
    public static void ioConnectStarted(Object ioFuture, Object connector, Object target, Object context, Object local) {
        try {
            SshdConnectDeadline.startIo(connector, target, ioFuture);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** MINA 2.7 and 2.8: a session is handed to its I/O connect future ({@link SshdModule#LEGACY_IO_FUTURE}). */
    public static void ioSessionArriving(Object ioFuture, Object ioSession) {
        try {
            SshdConnectDeadline.lateSession(ioFuture, ioSession);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** MINA 2.7 and 2.8: the same doConnect as {@link #connectStarted}, ending with a boolean instead of the host config entry. */
    public static void connectStartedBefore2_9(Object connectFuture, Object client, Object username, Object target,
                                               Object context, Object localAddress, Object identities, boolean useDefaults) {
        connectStarted(connectFuture, client, username, target, context, localAddress, identities, null);
    }

    /** {@code SshClient.doConnect(username, target, context, local, identities, hostConfig)} returned its future. */
    public static void connectStarted(Object connectFuture, Object client, Object username, Object target,
                                      Object context, Object localAddress, Object identities, Object hostConfig) {
        try {
            SshdConnectDeadline.start(target, connectFuture);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** MINA's session timeout checker, once a second: one volatile read unless an attach is looking for sessions. */
    public static void timeoutsChecking(Object listener) {
        try {
            SshdFound.timeoutsChecking(listener);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    public static void execOpened(Object channel) {
        ChannelHooks.execStarted(SshdChannels.EXEC, channel, null);
    }

    /** Every data packet of every channel: one map lookup. */
    public static void output(Object channel) {
        ChannelHooks.output(channel);
    }

    /** Every MINA close: costs a flag and a class name test unless it is a graceful close of a client object. */
    public static void closing(Object closeable, boolean immediately) {
        if (immediately) {
            return;
        }
        try {
            SshdChannels.closing(closeable);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** A command a deadline sent TERM reports no exit status (as one killed by a signal), even if it exited 0. */
    /** {@code startLocalPortForwarding} returned the address bound. */
    public static void forwardListening(Object bound, Object session, Object local, Object remote) {
        try {
            SshdForwards.listening(session, bound, remote);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** A client connected to a local forward: its channel is being opened. */
    public static void forwardConnected(Object handler, Object ioSession) {
        try {
            SshdForwards.connected(ioSession);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** The local socket of a forwarded connection sent data: its idle clock restarts. */
    public static void forwardDataOut(Object handler, Object ioSession, Object data) {
        try {
            ForwardIdle.activity(ioSession);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    public static Object exitStatus(Object status, Object channel) {
        return ChannelHooks.exitStatus(status, channel);
    }

    /** {@code DefaultSftpClient.receive(id, timeout)} entered: an SFTP request waits for its response. */
    public static Object sftpWaiting(Object client, int id, Object timeout) {
        try {
            return SshdSftp.waiting(client, timeout);
        } catch (Throwable t) {
            Faults.suppressed(t);
            return null;
        }
    }

    /**
     * {@code receive(id, timeout)} returned or threw. The one hook that throws into the app, on purpose: when
     * {@code sftp.timeout} fired on this wait, the call fails with Lifeline's {@code IOException}.
     */
    public static void sftpAnswered(Throwable thrown, Object deadline, Object client, int id, Object timeout)
            throws IOException {
        IOException fail;
        try {
            fail = SshdSftp.answered(deadline);
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

    /**
     * {@code SftpOutputStreamAsync.write(byte[], int, int)}, {@code flush()} or {@code close()} entered: bounded as a
     * whole by {@code sftp.timeout}.
     */
    public static Object sftpWriting(Object stream) {
        try {
            return SshdSftp.streamWriting(stream);
        } catch (Throwable t) {
            Faults.suppressed(t);
            return null;
        }
    }

    /** The call returned or threw: as {@link #sftpAnswered}, the deliberate exception when its deadline fired. */
    public static void sftpWritten(Throwable thrown, Object deadline, Object stream) throws IOException {
        sftpAnswered(thrown, deadline, stream, 0, null);
    }
}
