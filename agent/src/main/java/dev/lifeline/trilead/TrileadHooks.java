package dev.lifeline.trilead;

import dev.lifeline.ssh2family.Ssh2Hooks;
import dev.lifeline.ssh2family.Ssh2Library;

/**
 * The static methods woven into Trilead ({@link TrileadModule}) whose signatures are Trilead's own; the rest, the same in both
 * libraries of the family, are {@link Ssh2Hooks}'. Each hands over with the library's description.
 */
public final class TrileadHooks {
    /**
     * The library, held here and not by the module: the agent makes every module at its start, and only the first class
     * of Trilead's package builds this (TrileadModule#types), so an application of another library never does. The socket sits in the one transport class.
     */
    static final Ssh2Library LIBRARY = new Ssh2Library(TrileadModule.NAME, TrileadModule.PACKAGE, "TransportManager", "KexManager");

    private TrileadHooks() {
    }

    /** {@code connect(verifier, connectTimeout, readTimeout, kexTimeout)} entry: the TCP connect timeout to use. */
    public static int connectStarting(Object connection, Object verifier, int connectTimeout, int readTimeout, int kexTimeout) {
        return Ssh2Hooks.connectStarting(LIBRARY, connection, connectTimeout, kexTimeout);
    }

    public static void connectEnded(Throwable thrown, Object connection, Object verifier, int connectTimeout, int readTimeout, int kexTimeout) {
        Ssh2Hooks.connectEnded(LIBRARY, connection, thrown);
    }

    /** {@code execCommand(cmd)} returned: the exec request is out. */
    public static void execStarted(Object session, Object command) {
        Ssh2Hooks.execStarted(LIBRARY, session, command);
    }
}
