package dev.lifeline.ganymed;

import dev.lifeline.ssh2family.Ssh2Hooks;

/**
 * The static methods woven into Ganymed ({@link GanymedModule}) whose signatures are Ganymed's own; the rest, the same in both
 * libraries of the family, are {@link Ssh2Hooks}'. Each hands over with the library's description.
 */
public final class GanymedHooks {
    private GanymedHooks() {
    }

    /** {@code connect(verifier, connectTimeout, kexTimeout)} entry: the TCP connect timeout to use. */
    public static int connectStarting(Object connection, Object verifier, int connectTimeout, int kexTimeout) {
        return Ssh2Hooks.connectStarting(GanymedModule.LIBRARY, connection, connectTimeout, kexTimeout);
    }

    public static void connectEnded(Throwable thrown, Object connection, Object verifier, int connectTimeout, int kexTimeout) {
        Ssh2Hooks.connectEnded(GanymedModule.LIBRARY, connection, thrown);
    }

    /** {@code execCommand(cmd, charset)} returned: the exec request is out. */
    public static void execStarted(Object session, Object command, Object charset) {
        Ssh2Hooks.execStarted(GanymedModule.LIBRARY, session, command);
    }
}
