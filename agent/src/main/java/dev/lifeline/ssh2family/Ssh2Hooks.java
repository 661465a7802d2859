package dev.lifeline.ssh2family;

import dev.lifeline.report.Faults;

/**
 * What the family's hook classes ({@code TrileadHooks}, {@code GanymedHooks}: one per library, as woven code needs)
 * hand over to, with the library they were woven into. Each catches what it throws and counts it
 * ({@link Faults#suppressed}): the application never sees Lifeline fail.
 */
public final class Ssh2Hooks {
    private Ssh2Hooks() {
    }

    public static int connectStarting(Ssh2Library lib, Object connection, int connectTimeout, int kexTimeout) {
        try {
            return Ssh2Sessions.connecting(lib, connection, connectTimeout, kexTimeout);
        } catch (Throwable t) {
            Faults.suppressed(t);
            return connectTimeout;
        }
    }

    public static void connectEnded(Ssh2Library lib, Object connection, Throwable thrown) {
        try {
            Ssh2Sessions.connected(lib, connection, thrown);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    public static void authenticationEnded(Object connection, Throwable thrown) {
        try {
            Ssh2Sessions.authenticationEnded(connection, thrown);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** @return the close deadline {@link #closed} disarms */
    public static Object closing(Object connection) {
        try {
            return Ssh2Sessions.closing(connection);
        } catch (Throwable t) {
            Faults.suppressed(t);
            return null;
        }
    }

    public static void closed(Object closeDeadline, Object connection) {
        try {
            Ssh2Sessions.closed(closeDeadline, connection);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    public static void execStarted(Ssh2Library lib, Object session, Object command) {
        try {
            Ssh2Channels.execStarted(lib, session, command);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    public static Object exitStatus(Ssh2Library lib, Object status, Object session) {
        try {
            return Ssh2Channels.exitStatus(lib, status, session);
        } catch (Throwable t) {
            Faults.suppressed(t);
            return status;
        }
    }

    public static void sessionClosing(Ssh2Library lib, Object session) {
        try {
            Ssh2Channels.sessionClosing(lib, session);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** Every channel data message: a map lookup, and a channel look-up only while some exec deadline is armed. */
    public static void channelData(Ssh2Library lib, Object manager, Object msg, int len) {
        try {
            Ssh2Channels.data(lib, manager, msg instanceof byte[] ? (byte[]) msg : null, len);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** A global request reply arrives: a probe's is taken back from the library's count. */
    public static void globalReply(Object manager, boolean success) {
        try {
            Ssh2Connection c = Ssh2Sessions.BY_MANAGER.get(manager);
            Ssh2Keepalive link = c == null ? null : c.link;
            if (link != null) {
                link.replyArriving(manager, success);
            }
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }
}
