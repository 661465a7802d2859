package dev.lifeline.sshj;

import dev.lifeline.enforce.ExecDeadline;
import dev.lifeline.report.Faults;
import dev.lifeline.sessions.SshSessions;

/**
 * The static methods woven into sshj ({@link SshjModule}). JDK types only, so they link wherever sshj lives; each one
 * catches what it throws and counts it ({@link Faults#suppressed}): the application never sees Lifeline fail.
 */
public final class SshjHooks {
    private SshjHooks() {
    }

    /** {@code SocketClient.connect(host, port, ...)} entry: keepalive chosen, connect deadline armed. */
    public static Object connectStarting(Object client, Object host, int port) {
        try {
            return SshjClients.connecting(client, host, port);
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
            if (thrown == null) { // TCP, banner and key exchange done: listed (the user is read from sshj once it authenticates)
                SshSessions.opened(client, "sshj", SshjClients.hostAsGiven(host), port, null, SshjView.INSTANCE);
            }
            SshjClients.connected(connect, client, thrown);
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
            return SshjClients.connecting(client, host, port, channel);
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
            SshjView.authenticating(client, user);
            return SshjClients.authStarting(client);
        } catch (Throwable t) {
            Faults.suppressed(t);
            return null;
        }
    }

    public static void authEnded(Throwable thrown, Object connect, Object client, Object user, Object methods) {
        try {
            SshjClients.authEnded(connect, thrown);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** @return the close deadline {@link #disconnected} cancels */
    public static Object disconnecting(Object client) {
        try {
            return SshjClients.disconnecting(client);
        } catch (Throwable t) {
            Faults.suppressed(t);
            return null;
        }
    }

    public static void disconnected(Throwable thrown, Object closeDeadline, Object client) {
        try {
            SshSessions.closed(client);
            SshjClients.disconnected(closeDeadline);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** {@code KeepAliveRunner.checkMaxReached} returned or threw: a throw is sshj declaring the peer dead. */
    public static void keepaliveChecked(Throwable thrown, Object runner) {
        if (thrown == null) {
            return;
        }
        try {
            SshjClients.declaredDead(runner);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** Every data packet of every channel: one map lookup. */
    public static void output(Object channel) {
        try {
            ExecDeadline.output(channel);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    public static void channelEnded(Object channel) {
        try {
            SshjChannels.ended(channel);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    public static void execStarted(Object command, Object channel, Object commandLine) {
        try {
            SshjChannels.execStarted(channel, commandLine);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** A command a deadline sent TERM reports no exit status (null), even if it trapped TERM and exited 0. */
    public static Object exitStatus(Object status, Object channel) {
        try {
            return ExecDeadline.endedByDeadline(channel) ? null : status;
        } catch (Throwable t) {
            Faults.suppressed(t);
            return status;
        }
    }
}
