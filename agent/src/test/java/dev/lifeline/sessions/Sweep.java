package dev.lifeline.sessions;

/** For tests in other packages: one watchdog sweep ({@link SshSessions#sweep()}, package-private), as a tick runs it. */
public final class Sweep {
    private Sweep() {
    }

    public static void now() {
        SshSessions.sweep();
    }
}
