package dev.lifeline.sessions;

import dev.lifeline.report.Applied;
import dev.lifeline.report.Counters;
import dev.lifeline.report.Faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open SSH sessions of this JVM, every library, for the {@code sessions} command, the JMX gauges and the stuck-thread
 * watchdog. A library module hands over with one line each:
 *
 * <pre>
 *   SshSessions.opened(session, "sshj", host, port, SshjView.INSTANCE);        // once the TCP connection exists
 *   SshSessions.closed(session);                                              // from its close/disconnect hook
 *   SshSessions.packet(session);                                              // optional, per packet from the peer
 * </pre>
 *
 * <p>Entries are keyed by the library's session object (identity: no library overrides equals). One ends when the
 * module's close hook calls {@link #closed}, or at the next tick of the watchdog when the module's view says the session
 * is no longer open (a session that died without the app calling close, or whose close no hook saw), so nothing
 * outlives its session by more than one tick. An entry is a few fields that point at strings the library already holds.
 *
 * <p>Every method catches what it throws: hooks call them on the application's threads.
 */
public final class SshSessions {
    static final ConcurrentHashMap<Object, Entry> OPEN = new ConcurrentHashMap<Object, Entry>();
    /** When a channel was opened, for the channels a hook saw open (exec); weak keys, so no channel is retained. */
    private static final Map<Object, long[]> CHANNEL_OPENED = Collections.synchronizedMap(new WeakHashMap<Object, long[]>());

    private SshSessions() {
    }

    /**
     * One open session: where it goes (host and port as the app gave them; never the user name, which the security
     * review promises is in no output), and the clock of its last packet.
     */
    static final class Entry {
        final Object session;
        final String lib;
        final String host;
        final int port;
        final LibraryView view;
        final long openedNanos = System.nanoTime();
        /** Written per packet by {@link #packet}; 0 until then. */
        volatile long lastPacketNanos;
        /** What the library's module keeps for this open session ({@link #memo}), or null. */
        volatile Object memo;
        /** Already open when Lifeline was attached, found then (issue 24), not seen opening. */
        volatile boolean foundAtAttach;
        /** Found at attach and brought under the settings (not in audit or off: a later attach may still do it). */
        volatile boolean broughtUnder;

        Entry(Object session, String lib, String host, int port, LibraryView view) {
            this.session = session;
            this.lib = lib;
            this.host = host;
            this.port = port;
            this.view = view;
        }

        String peer() {
            return host + ":" + port;
        }

        /** Peer's last packet (nanoTime), the library's own clock when it has one, else the hook's, else the open. */
        long lastPacket() {
            long t;
            try {
                t = view.lastPacketNanos(session, lastPacketNanos);
            } catch (Throwable e) {
                t = lastPacketNanos;
            }
            return t != 0 ? t : openedNanos;
        }
    }

    /** A session's TCP connection exists. A second call for the same session is ignored. */
    public static void opened(Object session, String lib, String host, int port, LibraryView view) {
        try {
            if (session != null && OPEN.putIfAbsent(session, new Entry(session, lib, host, port, view)) == null) {
                Watchdog.sessionsExist();
            }
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /**
     * A session that was already open when Lifeline was attached (issue 24): registered as {@link #opened} does, and
     * marked so in {@code sessions}; its age counts from now, since when it opened is not known. Counted once, when
     * first registered: in {@code sessionsSeen} (a session Lifeline looked at, as one opened under it) and in
     * {@code sessionsFoundAtAttach} (an audit attach and the enforce attach after it find the same session twice).
     *
     * @return false when it was registered already (opened under the agent, or brought under by an earlier attach)
     */
    public static boolean foundAtAttach(Object session, String lib, String host, int port, LibraryView view) {
        try {
            Entry e = new Entry(session, lib, host, port, view);
            e.foundAtAttach = true;
            if (session != null && OPEN.putIfAbsent(session, e) == null) {
                Watchdog.sessionsExist();
                Counters.increment(Counters.Counter.SESSIONS_SEEN);
                Counters.increment(Counters.Counter.SESSIONS_FOUND_AT_ATTACH);
                return true;
            }
            Entry known = session == null ? null : OPEN.get(session);
            return known != null && known.foundAtAttach && !known.broughtUnder;
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
        return false;
    }

    /** Whether the session is registered (open, as far as Lifeline knows). */
    public static boolean isRegistered(Object session) {
        return session != null && OPEN.containsKey(session);
    }

    /**
     * Whether an attach should bring this open session under its settings: not registered yet, or found by an earlier
     * attach that changed nothing on it (mode audit or off then: the rescue recipe audits first, then enforces).
     */
    public static boolean awaitsProtection(Object session) {
        Entry e = session == null ? null : OPEN.get(session);
        return e == null || (e.foundAtAttach && !e.broughtUnder);
    }

    /**
     * A session found at attach is now under the settings: a later attach leaves it alone. {@code sessionsChanged}
     * counts it when Lifeline set anything on it ({@code applied}), as for a session opened under the agent.
     */
    public static void broughtUnder(Object session, Applied applied) {
        Entry e = session == null ? null : OPEN.get(session);
        if (e != null && !e.broughtUnder) {
            e.broughtUnder = true;
            if (applied != null && applied.changedAnything()) {
                Counters.increment(Counters.Counter.SESSIONS_CHANGED);
            }
        }
    }

    /** The session is closing or closed, by anyone. */
    public static void closed(Object session) {
        Entry e = session == null ? null : OPEN.remove(session);
        if (e != null) {
            ended(e);
            if (OPEN.isEmpty()) {
                Watchdog.noSessions(); // no tick queued while no session is open
            }
        }
    }

    /** What outlives a session's entry and must end with it: its forwards' listeners. */
    private static void ended(Entry e) {
        try {
            Forwards.sessionEnded(e.session, e.lib, e.host, e.port);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** A packet from the peer: one map lookup and a volatile write. */
    public static void packet(Object session) {
        Entry e = OPEN.get(session);
        if (e != null) {
            e.lastPacketNanos = System.nanoTime();
        }
    }

    /**
     * When a module's hook last saw a packet from the peer ({@link #packet}), or 0 when none did (or the session is not
     * listed): no library clock as a fallback, for a count that must not move on the session's own writes (MINA's idle
     * clock does, so a heartbeat would look like an answer to itself).
     */
    public static long stampedPacketNanos(Object session) {
        Entry e = session == null ? null : OPEN.get(session);
        return e == null ? 0 : e.lastPacketNanos;
    }

    /** When the peer's last packet arrived ({@link System#nanoTime()}), or 0 when the session is not listed. */
    public static long lastPacketNanos(Object session) {
        Entry e = session == null ? null : OPEN.get(session);
        return e == null ? 0 : e.lastPacket();
    }

    /**
     * How long nothing has arrived from an open session's peer, in milliseconds (the {@code silent_ms} of a dead-peer
     * line), or -1 when the session is not listed.
     */
    public static long silentMillis(Object session) {
        Entry e = session == null ? null : OPEN.get(session);
        return e == null ? -1 : Math.max(0, (System.nanoTime() - e.lastPacket()) / 1000000L);
    }

    /** What a module kept for an open session ({@link #memo(Object, Object)}), or null (not open, or nothing kept). */
    public static Object memo(Object session) {
        Entry e = session == null ? null : OPEN.get(session);
        return e == null ? null : e.memo;
    }

    /**
     * Keeps {@code value} with an open session's entry, for its module (e.g. its policy for the configuration in use):
     * gone with the entry, so nothing outlives the session. A session not registered keeps nothing.
     */
    public static void memo(Object session, Object value) {
        Entry e = session == null ? null : OPEN.get(session);
        if (e != null) {
            e.memo = value;
        }
    }

    /** A channel a hook saw open (its age is then known; others show how long they have been seen). */
    public static void channelOpened(Object channel) {
        try {
            if (channel != null) {
                CHANNEL_OPENED.put(channel, new long[]{System.nanoTime(), 1});
            }
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /**
     * A channel ends (JSch's {@code disconnect()} returned, MINA's graceful close starts, sshj's channel ended): its
     * age is no longer shown, and the map of ages stays as small as the channels open (weak keys alone let thousands of
     * ended channels pile up between collections: a resize and long scans in every exec's {@link #channelOpened}).
     */
    public static void channelClosed(Object channel) {
        try {
            if (channel != null) {
                CHANNEL_OPENED.remove(channel);
            }
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** Open sessions now (every library). */
    public static int open() {
        return OPEN.size();
    }

    /** Open sessions of one library ({@code jsch}, {@code sshd}, {@code sshj}). */
    public static int open(String lib) {
        int n = 0;
        for (Entry e : OPEN.values()) {
            if (e.lib.equals(lib)) {
                n++;
            }
        }
        return n;
    }

    /** The longest time since the peer's last packet over the open sessions, in milliseconds; 0 when none. */
    public static long oldestIdleMillis() {
        long now = System.nanoTime();
        long max = 0;
        for (Entry e : OPEN.values()) {
            max = Math.max(max, (now - e.lastPacket()) / 1000000L);
        }
        return max;
    }

    /** Drops the sessions their library says have ended. */
    static int sweep() {
        int dropped = 0;
        for (Entry e : OPEN.values()) {
            boolean open;
            try {
                open = e.view.isOpen(e.session);
            } catch (Throwable t) {
                open = true; // cannot tell: the close hook will still remove it
            }
            if (!open && OPEN.remove(e.session, e)) {
                ended(e);
                dropped++;
            }
        }
        return dropped;
    }

    static List<Entry> entries() {
        List<Entry> l = new ArrayList<Entry>(OPEN.values());
        Collections.sort(l, new java.util.Comparator<Entry>() {
            @Override
            public int compare(Entry a, Entry b) {
                return a.openedNanos < b.openedNanos ? -1 : (a.openedNanos == b.openedNanos ? 0 : 1);
            }
        });
        return l;
    }

    /**
     * {nanoTime, 1} for a channel a hook saw open; {nanoTime first listed, 0} for one first met in a listing (remembered,
     * so the next listing can say how long it has been seen).
     */
    static long[] channelSince(Object channel, long now) {
        synchronized (CHANNEL_OPENED) {
            long[] t = CHANNEL_OPENED.get(channel);
            if (t == null) {
                t = new long[]{now, 0};
                CHANNEL_OPENED.put(channel, t);
            }
            return t;
        }
    }

    /** Channels remembered (weakly) for their age: for leak tests. */
    static int channelsRemembered() {
        synchronized (CHANNEL_OPENED) {
            return CHANNEL_OPENED.size();
        }
    }

    /** Sets {@code watchdog.threshold} (0: off); the agent calls it whenever a configuration is applied. */
    public static void watchdogThreshold(long millis) {
        Watchdog.threshold(millis);
    }

    /** Threads blocked in an SSH library call now (the JMX gauge). */
    public static int threadsBlocked() {
        return Watchdog.blockedNow();
    }

    /** The human-readable table of sessions, channels and blocked threads (JMX {@code Sessions}, CLI {@code sessions}). */
    public static String table() {
        try {
            return SessionsTable.render();
        } catch (Throwable t) {
            Faults.suppressed(t);
            return "the session table could not be built: " + t;
        }
    }
}
