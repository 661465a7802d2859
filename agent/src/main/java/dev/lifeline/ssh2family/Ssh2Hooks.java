package dev.lifeline.ssh2family;

import dev.lifeline.report.Faults;

/**
 * The static methods woven into both libraries of the family, where the signature is the same in each (the library is
 * told by the object's package, {@link Ssh2Library#of}); each library's own hook class ({@code TrileadHooks},
 * {@code GanymedHooks}) has only the methods whose signatures differ, and hands over to {@link #connectStarting} and
 * the others taking a library. Each catches what it throws and counts it ({@link Faults#suppressed}): the application
 * never sees Lifeline fail. In a loader that needs the bootstrap bridge each module makes a forwarder of this class; the
 * two are the same methods in the same order (both modules declare them in {@link Ssh2Module}), so the one the boot
 * loader keeps serves both.
 */
public final class Ssh2Hooks {
    private Ssh2Hooks() {
    }

    // ---- called by the libraries' own hook classes ----

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

    public static void execStarted(Ssh2Library lib, Object session, Object command) {
        try {
            Ssh2Channels.execStarted(lib, session, command);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    // ---- woven: the same in both libraries ----

    /** An {@code authenticateWith...} call returned or threw. */
    public static void authenticationEnded(Throwable thrown, Object connection) {
        try {
            Ssh2Sessions.authenticationEnded(connection, thrown);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** {@code Connection.close()} entry. @return the close deadline {@link #closed} disarms */
    public static Object closing(Object connection) {
        try {
            return Ssh2Sessions.closing(connection);
        } catch (Throwable t) {
            Faults.suppressed(t);
            return null;
        }
    }

    public static void closed(Throwable thrown, Object closeDeadline, Object connection) {
        try {
            Ssh2Sessions.closed(closeDeadline, connection);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** {@code Session.getExitStatus()} returned: none for a command a deadline ended. */
    public static Object exitStatus(Object status, Object session) {
        try {
            Ssh2Library lib = Ssh2Library.of(session);
            return lib == null ? status : Ssh2Channels.exitStatus(lib, status, session);
        } catch (Throwable t) {
            Faults.suppressed(t);
            return status;
        }
    }

    public static void sessionClosing(Object session) {
        try {
            Ssh2Library lib = Ssh2Library.of(session);
            if (lib != null) {
                Ssh2Channels.sessionClosing(lib, session);
            }
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** Every channel data message: a map lookup, and a channel look-up only while some exec deadline is armed. */
    public static void channelData(Object manager, Object msg, int len) {
        try {
            Ssh2Library lib = Ssh2Library.of(manager);
            if (lib != null) {
                Ssh2Channels.data(lib, manager, msg instanceof byte[] ? (byte[]) msg : null, len);
            }
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    public static void globalSuccess(Object manager) {
        globalReply(manager, true);
    }

    public static void globalFailure(Object manager) {
        globalReply(manager, false);
    }

    /** A global request reply arrives: a probe's is taken back from the library's count. */
    private static void globalReply(Object manager, boolean success) {
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
