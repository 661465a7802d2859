package dev.lifeline.sessions;

import java.util.Collections;
import java.util.List;

/**
 * What a library module tells the session registry about its own objects, read only when someone looks (the
 * {@code sessions} command, the JMX view, the watchdog's tick): never on the application's paths. Every method may
 * throw; the registry catches and shows "n/a".
 */
public abstract class LibraryView {
    /** False once the session has ended: its entry is then dropped even if no close hook saw it end. */
    public abstract boolean isOpen(Object session) throws Exception;

    /**
     * When the last packet from the peer arrived ({@link System#nanoTime()}), or {@code fromHook} (what
     * {@link SshSessions#packet} recorded; 0 when the module calls it never) when the library keeps no clock of its own.
     */
    public long lastPacketNanos(Object session, long fromHook) throws Exception {
        return fromHook;
    }

    /** Keepalive state in words: probes outstanding, the last reply's round trip where known, else "n/a". */
    public String keepalive(Object session) throws Exception {
        return "n/a";
    }

    /** The session's open channels, as the library's own objects. */
    public List<Object> channels(Object session) throws Exception {
        return Collections.emptyList();
    }

    /**
     * Objects a thread reading or writing this channel may wait on that the library's own fields do not reach (JSch's
     * pipes are {@code java.io} objects): matched against the monitor a blocked thread waits on.
     */
    public List<Object> monitors(Object channel) throws Exception {
        return Collections.emptyList();
    }

    /** exec, sftp, shell, subsystem:NAME, forwarding, or the class's simple name. */
    public String channelKind(Object channel) throws Exception {
        return channel.getClass().getSimpleName();
    }

    /** The library's package prefix (a thread with a frame or a monitor there is in a call on the library). */
    public abstract String packagePrefix();
}
