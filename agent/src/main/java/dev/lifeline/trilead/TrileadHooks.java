package dev.lifeline.trilead;

import dev.lifeline.ssh2family.Ssh2Hooks;

/** The static methods woven into Trilead ({@link TrileadModule}): each hands over to the family's ({@link Ssh2Hooks}). */
public final class TrileadHooks {
    private TrileadHooks() {
    }

    /** {@code connect(verifier, connectTimeout, readTimeout, kexTimeout)} entry: the TCP connect timeout to use. */
    public static int connectStarting(Object connection, Object verifier, int connectTimeout, int readTimeout, int kexTimeout) {
        return Ssh2Hooks.connectStarting(TrileadModule.LIBRARY, connection, connectTimeout, kexTimeout);
    }

    public static void connectEnded(Throwable thrown, Object connection, Object verifier, int connectTimeout, int readTimeout, int kexTimeout) {
        Ssh2Hooks.connectEnded(TrileadModule.LIBRARY, connection, thrown);
    }

    public static void authenticationEnded(Throwable thrown, Object connection) {
        Ssh2Hooks.authenticationEnded(connection, thrown);
    }

    public static Object closing(Object connection) {
        return Ssh2Hooks.closing(connection);
    }

    public static void closed(Throwable thrown, Object closeDeadline, Object connection) {
        Ssh2Hooks.closed(closeDeadline, connection);
    }

    public static void execStarted(Object session, Object command) {
        Ssh2Hooks.execStarted(TrileadModule.LIBRARY, session, command);
    }

    public static Object exitStatus(Object status, Object session) {
        return Ssh2Hooks.exitStatus(TrileadModule.LIBRARY, status, session);
    }

    public static void sessionClosing(Object session) {
        Ssh2Hooks.sessionClosing(TrileadModule.LIBRARY, session);
    }

    public static void channelData(Object manager, Object msg, int len) {
        Ssh2Hooks.channelData(TrileadModule.LIBRARY, manager, msg, len);
    }

    public static void globalSuccess(Object manager) {
        Ssh2Hooks.globalReply(manager, true);
    }

    public static void globalFailure(Object manager) {
        Ssh2Hooks.globalReply(manager, false);
    }
}
