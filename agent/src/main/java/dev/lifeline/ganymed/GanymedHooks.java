package dev.lifeline.ganymed;

import dev.lifeline.ssh2family.Ssh2Hooks;
import dev.lifeline.ssh2family.Ssh2Library;

/**
 * The static methods woven into Ganymed ({@link GanymedModule}) whose signatures are Ganymed's own; the rest, the same in both
 * libraries of the family, are {@link Ssh2Hooks}'. Each hands over with the library's description.
 */
public final class GanymedHooks {
    /**
     * The library, held here and not by the module: the agent makes every module at its start, and only the first class
     * of Ganymed's package builds this (GanymedModule#types), so an application of another library never does.
     */
    static final Ssh2Library LIBRARY = new Ssh2Library(GanymedModule.NAME, GanymedModule.PACKAGE, "ClientTransportManager", "ClientKexManager");

    private GanymedHooks() {
    }

    /** {@code connect(verifier, connectTimeout, kexTimeout)} entry: the TCP connect timeout to use. */
    public static int connectStarting(Object connection, Object verifier, int connectTimeout, int kexTimeout) {
        return Ssh2Hooks.connectStarting(LIBRARY, connection, connectTimeout, kexTimeout);
    }

    public static void connectEnded(Throwable thrown, Object connection, Object verifier, int connectTimeout, int kexTimeout) {
        Ssh2Hooks.connectEnded(LIBRARY, connection, thrown);
    }

    /** {@code execCommand(cmd, charset)} returned: the exec request is out. */
    public static void execStarted(Object session, Object command, Object charset) {
        Ssh2Hooks.execStarted(LIBRARY, session, command);
    }
}
