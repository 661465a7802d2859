package dev.lifeline.sshj;

import dev.lifeline.enforce.ForwardIdle;
import dev.lifeline.report.Faults;
import dev.lifeline.sessions.ChannelHooks;

import java.io.IOException;

/**
 * The static methods woven into sshj ({@link SshjModule}): each hands over to {@link SshjSessions},
 * {@link SshjChannels} or the hooks every library shares ({@link ChannelHooks}). JDK types only, so they link wherever sshj lives; each one
 * catches what it throws and counts it ({@link Faults#suppressed}): the application never sees Lifeline fail.
 */
public final class SshjHooks {
    private SshjHooks() {
    }

    /** {@code SocketClient.connect(host, port, ...)} entry: keepalive chosen, connect deadline armed. */
    public static Object connectStarting(Object client, Object host, int port) {
        try {
            return SshjSessions.connecting(client, host, port);
        } catch (Throwable t) {
            Faults.suppressed(t);
            return null;
        }
    }

    public static Object connectStarting(Object client, Object host, int port, Object local, int localPort) {
        return connectStarting(client, host, port);
    }

    public static Object connectStarting(Object client, Object host, int port, Object proxy) {
        return connectStarting(client, host, port);
    }

    public static void connectEnded(Throwable thrown, Object connect, Object client, Object host, int port) {
        try {
            SshjSessions.connected(connect, client, host, port, thrown);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    public static void connectEnded(Throwable thrown, Object connect, Object client, Object host, int port, Object local, int localPort) {
        connectEnded(thrown, connect, client, host, port);
    }

    public static void connectEnded(Throwable thrown, Object connect, Object client, Object host, int port, Object proxy) {
        connectEnded(thrown, connect, client, host, port);
    }

    /** {@code SocketClient.connectVia(Channel, host, port)} (0.40): a connection tunnelled in another's channel. */
    public static Object connectViaStarting(Object client, Object channel, Object host, int port) {
        try {
            return SshjSessions.connecting(client, host, port, channel);
        } catch (Throwable t) {
            Faults.suppressed(t);
            return null;
        }
    }

    public static void connectViaEnded(Throwable thrown, Object connect, Object client, Object channel, Object host, int port) {
        connectEnded(thrown, connect, client, host, port);
    }

    public static Object authStarting(Object client, Object user, Object methods) {
        try {
            return SshjSessions.authStarting(client);
        } catch (Throwable t) {
            Faults.suppressed(t);
            return null;
        }
    }

    public static void authEnded(Throwable thrown, Object connect, Object client, Object user, Object methods) {
        try {
            SshjSessions.authEnded(connect, thrown);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** @return the close deadline {@link #disconnected} cancels */
    public static Object disconnecting(Object client) {
        try {
            return SshjSessions.disconnecting(client);
        } catch (Throwable t) {
            Faults.suppressed(t);
            return null;
        }
    }

    public static void disconnected(Throwable thrown, Object closeDeadline, Object client) {
        try {
            SshjSessions.disconnected(closeDeadline, client);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** {@code KeepAliveRunner.checkMaxReached(queue)} entry, on the runner's thread: any packet answers every request. */
    public static void keepaliveChecking(Object runner, Object queue) {
        try {
            SshjSessions.keepaliveChecking(runner, queue);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** {@code KeepAliveRunner.checkMaxReached} returned or threw: a throw is sshj declaring the peer dead. */
    public static void keepaliveChecked(Throwable thrown, Object runner, Object queue) {
        if (thrown == null) {
            return;
        }
        try {
            SshjSessions.declaredDead(runner);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** Every packet sshj's reader decodes ({@code TransportImpl.handle}): the connection's last-packet clock. */
    public static void packetReceived(Object trans) {
        try {
            SshjPacketClock.packet(trans);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** Every data packet of every channel: one map lookup. */
    public static void output(Object channel) {
        ChannelHooks.output(channel);
    }

    public static void channelEnded(Object channel) {
        try {
            SshjChannels.ended(channel);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** {@code SSHClient.newLocalPortForwarder} returned: its listener belongs to this client. */
    public static void forwarderCreated(Object forwarder, Object client, Object parameters, Object serverSocket) {
        try {
            SshjForwards.forwarderCreated(client, parameters, serverSocket);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** A forwarded channel started copying. */
    public static void forwardStarted(Object channel) {
        try {
            SshjForwards.channelStarted(channel);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** Every write to a channel's output stream: a forwarded connection's idle clock restarts. */
    public static void channelDataOut(Object stream) {
        try {
            ForwardIdle.activity(stream);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    public static void execStarted(Object command, Object channel, Object commandLine) {
        ChannelHooks.execStarted(SshjChannels.EXEC, channel, commandLine);
    }

    /** A command a deadline sent TERM reports no exit status (null), even if it trapped TERM and exited 0. */
    public static Object exitStatus(Object status, Object channel) {
        return ChannelHooks.exitStatus(status, channel);
    }

    /** {@code SFTPEngine.request(Request)} returned the promise of the response: {@code sftp.timeout} starts. */
    public static void sftpRequested(Object promise, Object engine) {
        try {
            SshjSftp.requested(promise, engine);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** {@code Window$Remote.awaitExpansion} entered: an SFTP channel's request waits to be sent. */
    public static Object sftpWindowWaiting(Object window) {
        try {
            return SshjSftp.windowWaiting(window);
        } catch (Throwable t) {
            Faults.suppressed(t);
            return null;
        }
    }

    /**
     * The wait for the window returned or threw. One of the hooks that throw into the app, on purpose: when
     * {@code sftp.timeout} fired on this wait (its interrupt ended it), it fails with Lifeline's exception instead of
     * sshj's {@code ConnectionException} of an interrupt.
     */
    public static void sftpWindowWaited(Throwable thrown, Object deadline, Object window) throws IOException {
        if (deadline == null) {
            return;
        }
        IOException fail;
        try {
            fail = SshjSftp.windowAnswered(deadline);
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

    /** {@code Promise.deliver/deliverError} entered, on every sshj promise: an SFTP response ends its deadline. */
    public static void promiseDelivered(Object promise) {
        try {
            SshjSftp.delivered(promise);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }
}
