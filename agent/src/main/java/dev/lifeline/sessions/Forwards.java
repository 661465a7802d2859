package dev.lifeline.sessions;

import dev.lifeline.config.Mode;
import dev.lifeline.config.Policy;
import dev.lifeline.enforce.Actions;
import dev.lifeline.enforce.ForwardIdle;
import dev.lifeline.policy.Policies;
import dev.lifeline.report.Counters;
import dev.lifeline.report.Counters.Counter;
import dev.lifeline.report.Faults;
import dev.lifeline.report.Log;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Local port forwards of the open sessions, every library: their listeners (so that a session that ends, however it
 * ends, leaves no listener accepting connections that can never work) and their forwarded connections (the
 * {@code sessions} view, {@code forward.idleTimeout}). A module hands over in one line per event:
 *
 * <pre>
 *   Forwards.listening(session, "sshj", localPort, targetHost, targetPort, listener);  // a forward's listener is bound
 *   Forwards.connectionOpened(session, channel, "sshj", localPort, host, port, closer, aliases...); // a client came
 * </pre>
 *
 * <p>{@link SshSessions#closed} (every library's close hook, a dead peer, the sweep) calls {@link #sessionEnded}: each
 * listener still open is closed, and one {@code forward.listeners-closed} line says how many the session had, and how
 * many Lifeline closed (the rest the library closed itself, as JSch's {@code disconnect()} does); in {@code audit} one
 * {@code forward.listeners-would-close} line for those still open, untouched. Host names are shown
 * as the app gave them, escaped; no user name is kept.
 */
public final class Forwards {
    /** A forward's listener, as the library keeps it. */
    public interface Listener {
        boolean isOpen() throws Exception;

        /** Closes the listening socket: new clients are refused. */
        void close() throws Exception;
    }

    static final class Bound {
        final String lib;
        final int localPort;
        final String targetHost;
        final int targetPort;
        final Listener listener;

        Bound(String lib, int localPort, String targetHost, int targetPort, Listener listener) {
            this.lib = lib;
            this.localPort = localPort;
            this.targetHost = targetHost;
            this.targetPort = targetPort;
            this.listener = listener;
        }

        String describe() {
            return "forward listener port " + localPort + " -> " + Log.value(targetHost + ":" + targetPort);
        }
    }

    private static final ConcurrentHashMap<Object, List<Bound>> LISTENERS = new ConcurrentHashMap<Object, List<Bound>>();
    /** Forwarded channels' targets, for the view ("direct-tcpip to db:5432"); weak keys, no channel retained. */
    private static final Map<Object, String> TARGETS = Collections.synchronizedMap(new WeakHashMap<Object, String>());

    private Forwards() {
    }

    /** A local forward of {@code session} listens on {@code localPort}; a second call for the same port is ignored. */
    public static void listening(Object session, String lib, int localPort, String targetHost, int targetPort, Listener l) {
        try {
            if (session == null || l == null || !SshSessions.OPEN.containsKey(session)) {
                return; // a session the registry does not hold would never be told ended: nothing kept for it
            }
            List<Bound> list = LISTENERS.get(session);
            if (list == null) {
                List<Bound> fresh = new CopyOnWriteArrayList<Bound>();
                list = LISTENERS.putIfAbsent(session, fresh);
                list = list == null ? fresh : list;
            }
            for (Bound b : list) {
                if (b.localPort == localPort && localPort > 0) {
                    return;
                }
            }
            list.add(new Bound(lib, localPort, targetHost, targetPort, l));
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /**
     * A client connected through a forward and its channel is open: listed in the view, and watched by
     * {@code forward.idleTimeout} when the session's host has one.
     *
     * @param aliases the objects the library's outgoing data of this connection passes through (see {@link ForwardIdle})
     */
    public static void connectionOpened(Object session, Object channel, String lib, String targetHost, int targetPort,
            ForwardIdle.Closer closer, Object... aliases) {
        try {
            String target = targetHost + ":" + targetPort;
            TARGETS.put(channel, target);
            SshSessions.channelOpened(channel);
            SshSessions.Entry e = session == null ? null : SshSessions.OPEN.get(session);
            if (e == null) {
                return; // a session Lifeline does not know: no policy for it
            }
            Policy p = Policies.forHost(e.host, null, e.port);
            ForwardIdle.started(channel, closer, p, lib, target, aliases);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** "direct-tcpip to db:5432" (escaped) for a forwarded channel, or null. */
    static String target(Object channel) {
        String t = TARGETS.get(channel);
        return t == null ? null : "direct-tcpip to " + Log.value(t);
    }

    /** The view's lines for a session's listeners, open or not. */
    static List<String> listenerLines(Object session) {
        List<Bound> list = LISTENERS.get(session);
        if (list == null) {
            return Collections.emptyList();
        }
        List<String> lines = new ArrayList<String>();
        for (Bound b : list) {
            boolean open;
            try {
                open = b.listener.isOpen();
            } catch (Throwable t) {
                open = true;
            }
            lines.add(b.describe() + (open ? "  accepting" : "  closed"));
        }
        return lines;
    }

    /**
     * The session ended, by anyone: every listener of its forwards still open is closed (on {@link Actions}: closing
     * a listener wakes its accept thread, which may be a library thread holding locks), and one line says how many.
     */
    static void sessionEnded(Object session, final String lib, final String host, final int port) {
        final List<Bound> list = session == null ? null : LISTENERS.remove(session);
        if (list == null || list.isEmpty()) {
            return;
        }
        Policy p = Policies.forHost(host, null, port);
        if (p == null) {
            return; // Lifeline inactive, or mode=off for this host: the listeners are the library's business
        }
        final boolean audit = p.mode() == Mode.AUDIT;
        Actions.run("forward.listeners-close", new Runnable() {
            @Override
            public void run() {
                int byLifeline = 0;
                for (Bound b : list) {
                    try {
                        if (b.listener.isOpen()) {
                            if (!audit) {
                                b.listener.close();
                            }
                            byLifeline++;
                        }
                    } catch (Throwable t) {
                        Faults.suppressed(t);
                    }
                }
                if (audit) {
                    if (byLifeline > 0) {
                        Log.warn("forward.listeners-would-close", "lib", lib, "host", host, "port", port,
                                "listeners", list.size(), "still_open", byLifeline, "action", "none (audit)");
                    }
                    return;
                }
                Counters.add(Counter.FORWARD_LISTENERS_CLOSED, list.size());
                Log.info("forward.listeners-closed", "lib", lib, "host", host, "port", port, "listeners", list.size(),
                        "closed_by_lifeline", byLifeline, "closed_by_library", list.size() - byLifeline,
                        "action", "new connections to the forwarded ports are refused");
            }
        });
    }

    /** Sessions with listeners registered now: for leak tests. */
    static int sessionsWithListeners() {
        return LISTENERS.size();
    }
}
