package dev.lifeline.sessions;

import dev.lifeline.enforce.ExecDeadline;
import dev.lifeline.enforce.ForwardIdle;
import dev.lifeline.enforce.SftpDeadline;
import dev.lifeline.report.Log;

import java.lang.management.LockInfo;
import java.lang.management.ThreadInfo;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code sessions} view: every open session with its channels and the application threads blocked in a call on it.
 * Built only when asked (CLI, JMX, a stuck thread to log): reflection and a thread dump cost milliseconds.
 *
 * <p>Every value from the application (host, user, thread name, monitor, frames) is escaped as the log escapes it
 * ({@link Log#value}): a thread named {@code "x\n#9 jsch admin@prod:22"} cannot forge an entry, nor an ESC or OSC
 * sequence reach the terminal of whoever reads the table.
 *
 * <p>Which session a blocked thread waits on: the libraries do not say, so the monitor it waits on is matched (by
 * identity hash) against the session, its channels and the library objects they reach in a few steps (JSch's channel
 * pipes, MINA's futures); failing that, the one open session of that thread's library; else it is listed apart.
 */
final class SessionsTable {
    static final int FRAMES = 8;
    /**
     * The table lists at most this many sessions in full (about 650 bytes each with a channel and no thread: 2000
     * sessions made 1.29 MB), and stops adding sessions or threads past {@link #MAX_CHARS}; the first line counts all.
     */
    static final int MAX_SESSIONS_LISTED = 200;
    static final int MAX_CHARS = 256 * 1024;
    private static final int MAX_REACHED = 300;

    private SessionsTable() {
    }

    static String render() {
        List<SshSessions.Entry> entries = SshSessions.entries();
        List<Watchdog.Blocked> blocked = Watchdog.observe(false);
        Attribution who = attribution(entries);
        Map<SshSessions.Entry, List<Watchdog.Blocked>> bySession = new HashMap<SshSessions.Entry, List<Watchdog.Blocked>>();
        List<Watchdog.Blocked> unattributed = new ArrayList<Watchdog.Blocked>();
        for (Watchdog.Blocked b : blocked) {
            SshSessions.Entry e = who.sessionOf(b.info);
            if (e == null) {
                unattributed.add(b);
            } else {
                List<Watchdog.Blocked> l = bySession.get(e);
                if (l == null) {
                    l = new ArrayList<Watchdog.Blocked>();
                    bySession.put(e, l);
                }
                l.add(b);
            }
        }
        long now = System.nanoTime();
        StringBuilder out = new StringBuilder();
        long threshold = Watchdog.threshold();
        out.append(entries.size()).append(entries.size() == 1 ? " session open" : " sessions open")
                .append(", ").append(blocked.size()).append(blocked.size() == 1 ? " thread" : " threads")
                .append(" blocked in SSH calls; watchdog.threshold=")
                .append(threshold > 0 ? dev.lifeline.config.Durations.format(threshold) : "0 (off)").append('\n');
        List<String> failed = dev.lifeline.report.Faults.failedHooks();
        if (!failed.isEmpty()) { // a hook fails for a library copy, not one session: any session below may lack it
            out.append("NOT applied: ").append(failed.size()).append(failed.size() == 1 ? " hook" : " hooks")
                    .append(" failed in this JVM, so what each applies may be missing on any session below: ");
            for (int i = 0; i < failed.size(); i++) {
                out.append(i == 0 ? "" : "; ").append(Log.escapeLine(failed.get(i)));
            }
            out.append('\n');
        }
        int n = 0;
        for (SshSessions.Entry e : entries) {
            if (n >= MAX_SESSIONS_LISTED || out.length() > MAX_CHARS) {
                out.append("\n... ").append(entries.size() - n).append(" more sessions not listed (the table lists at most ")
                        .append(MAX_SESSIONS_LISTED).append(" sessions, ").append(MAX_CHARS / 1024)
                        .append(" KB; the gauges SessionsOpen* count them all)\n");
                break;
            }
            n++;
            out.append('\n').append('#').append(n).append(' ').append(e.lib).append(' ').append(Log.value(e.peer()))
                    .append(e.foundAtAttach ? "  found at attach " : "  age ").append(ago(now - e.openedNanos))
                    .append(e.foundAtAttach ? " ago" : "")
                    .append("  last packet from peer ").append(ago(now - e.lastPacket())).append(" ago\n");
            out.append("   keepalive: ").append(Log.escapeLine(keepalive(e))).append('\n');
            List<Object> channels = channels(e);
            if (channels.isEmpty()) {
                out.append("   channels: none\n");
            }
            for (String listener : Forwards.listenerLines(e.session)) {
                out.append("   ").append(listener).append('\n');
            }
            for (Object ch : channels) {
                String forwarded = Forwards.target(ch);
                out.append("   channel ").append(forwarded != null ? forwarded : Log.escapeLine(kind(e, ch)));
                long[] since = SshSessions.channelSince(ch, now);
                out.append(since[1] == 1 ? "  age " : "  seen for ").append(ago(now - since[0]));
                String deadline = null;
                try {
                    deadline = ExecDeadline.describe(ch);
                    if (deadline == null) {
                        deadline = ForwardIdle.describe(ch);
                    }
                } catch (Throwable ignored) {
                    // shown as none
                }
                out.append("  deadline: ").append(deadline == null ? "none" : deadline).append('\n');
                sftpRequests(out, ch);
            }
            List<Watchdog.Blocked> l = bySession.get(e);
            if (l != null) {
                for (Watchdog.Blocked b : l) {
                    thread(out, b, "   ");
                }
            }
        }
        if (!unattributed.isEmpty()) {
            out.append("\nthreads blocked in SSH calls, session not known (").append(unattributed.size()).append("):\n");
            int shown = 0;
            for (Watchdog.Blocked b : unattributed) {
                if (out.length() > MAX_CHARS) {
                    out.append("   ... ").append(unattributed.size() - shown).append(" more threads not listed\n");
                    break;
                }
                thread(out, b, "   ");
                shown++;
            }
        }
        return out.toString();
    }

    private static void thread(StringBuilder out, Watchdog.Blocked b, String indent) {
        ThreadInfo t = b.info;
        out.append(indent).append("thread ").append(Log.quoted(t.getThreadName())).append(' ').append(t.getThreadState())
                .append(" for ").append(b.blockedMillis >= 1 ? ago(TimeUnit.MILLISECONDS.toNanos(b.blockedMillis))
                        : "<1 look (first seen now)");
        if (t.getLockName() != null) {
            out.append(" on ").append(Log.escapeLine(t.getLockName()));
        }
        out.append('\n');
        StackTraceElement[] stack = t.getStackTrace();
        int from = firstShown(stack);
        if (from > 0) {
            out.append(indent).append("    (").append(from).append(" JDK frames above)\n");
        }
        for (int i = from; i < stack.length && i < from + FRAMES; i++) {
            out.append(indent).append("    at ").append(Log.escapeLine(frame(stack[i]))).append('\n');
        }
        if (stack.length > from + FRAMES) {
            out.append(indent).append("    ... ").append(stack.length - from - FRAMES).append(" more\n");
        }
    }

    private static String keepalive(SshSessions.Entry e) {
        try {
            return e.view.keepalive(e.session);
        } catch (Throwable t) {
            return "n/a";
        }
    }

    private static List<Object> channels(SshSessions.Entry e) {
        try {
            List<Object> l = e.view.channels(e.session);
            return l == null ? Collections.emptyList() : l;
        } catch (Throwable t) {
            return Collections.emptyList();
        }
    }

    private static List<Object> monitors(SshSessions.Entry e, Object channel) {
        try {
            List<Object> l = e.view.monitors(channel);
            return l == null ? Collections.emptyList() : l;
        } catch (Throwable t) {
            return Collections.emptyList();
        }
    }

    private static String kind(SshSessions.Entry e, Object channel) {
        try {
            return e.view.channelKind(channel);
        } catch (Throwable t) {
            return channel.getClass().getSimpleName();
        }
    }

    /** A stack on one line: the top frames, innermost first, joined by " < ". */
    static String summary(StackTraceElement[] stack, int frames) {
        StringBuilder b = new StringBuilder();
        int from = firstShown(stack);
        for (int i = from; i < stack.length && i < from + frames; i++) {
            if (i > from) {
                b.append(" < ");
            }
            b.append(frame(stack[i]));
        }
        if (stack.length > from + frames) {
            b.append(" < ... ").append(stack.length - from - frames).append(" more");
        }
        return b.toString();
    }

    /** The JDK frames a wait starts with (park, wait, AQS) say little: start at the last one before other code. */
    static int firstShown(StackTraceElement[] stack) {
        for (int i = 0; i < stack.length; i++) {
            String c = stack[i].getClassName();
            if (!(c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun."))) {
                return Math.max(0, i - 1);
            }
        }
        return 0;
    }

    /** {@code Class.method(File.java:12)}, without the module and loader prefixes. */
    static String frame(StackTraceElement f) {
        return f.getClassName() + '.' + f.getMethodName() + '(' + (f.isNativeMethod() ? "Native Method"
                : f.getFileName() == null ? "Unknown Source" : f.getFileName() + (f.getLineNumber() >= 0 ? ":" + f.getLineNumber() : ""))
                + ')';
    }

    /** 850ms, 4.2s, 3m05s, 2h01m. */
    static String ago(long nanos) {
        long ms = Math.max(0, TimeUnit.NANOSECONDS.toMillis(nanos));
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60000) {
            return (ms / 1000) + "." + (ms % 1000) / 100 + "s";
        }
        long s = ms / 1000;
        if (s < 3600) {
            return s / 60 + "m" + pad2(s % 60) + "s";
        }
        return s / 3600 + "h" + pad2(s / 60 % 60) + "m";
    }

    private static String pad2(long v) {
        return v < 10 ? "0" + v : String.valueOf(v);
    }

    static Attribution attribution(List<SshSessions.Entry> entries) {
        return new Attribution(entries);
    }

    /** Which session a blocked thread waits on, from the monitor it waits on. */
    static final class Attribution {
        private static final SshSessions.Entry SHARED = new SshSessions.Entry(new Object(), "", "", 0, null);
        private final Map<Integer, SshSessions.Entry> byIdentity = new HashMap<Integer, SshSessions.Entry>();
        private final List<SshSessions.Entry> entries;

        Attribution(List<SshSessions.Entry> entries) {
            this.entries = entries;
            for (SshSessions.Entry e : entries) {
                IdentityHashMap<Object, Boolean> reached = new IdentityHashMap<Object, Boolean>();
                reach(e.session, e.view.packagePrefix(), 2, reached);
                for (Object ch : channels(e)) {
                    reach(ch, e.view.packagePrefix(), 3, reached);
                    for (Object m : monitors(e, ch)) {
                        reached.put(m, Boolean.TRUE);
                    }
                }
                for (Object o : reached.keySet()) {
                    Integer id = System.identityHashCode(o);
                    SshSessions.Entry before = byIdentity.put(id, e);
                    if (before != null && before != e) {
                        byIdentity.put(id, SHARED); // reached from two sessions (a JSch instance): tells nothing
                    }
                }
            }
        }

        SshSessions.Entry sessionOf(ThreadInfo t) {
            LockInfo lock = t.getLockInfo();
            if (lock != null) {
                SshSessions.Entry e = byIdentity.get(lock.getIdentityHashCode());
                if (e != null && e != SHARED) {
                    return e;
                }
            }
            SshSessions.Entry only = null;
            for (SshSessions.Entry e : entries) {
                if (inLibrary(t, e.view.packagePrefix())) {
                    if (only != null) {
                        return null;
                    }
                    only = e;
                }
            }
            return only;
        }

        String unknown(ThreadInfo t) {
            return "n/a (" + entries.size() + " sessions open, the monitor waited on is none of theirs)";
        }

        private static boolean inLibrary(ThreadInfo t, String prefix) {
            if (t.getLockName() != null && t.getLockName().startsWith(prefix)) {
                return true;
            }
            for (StackTraceElement f : t.getStackTrace()) {
                if (f.getClassName().startsWith(prefix)) {
                    return true;
                }
            }
            return false;
        }

        /** The object and what its fields point at, following only the library's own objects, a few steps deep. */
        private static void reach(Object o, String prefix, int depth, IdentityHashMap<Object, Boolean> reached) {
            if (o == null || reached.size() >= MAX_REACHED || reached.put(o, Boolean.TRUE) != null || depth == 0
                    || !o.getClass().getName().startsWith(prefix)) {
                return;
            }
            for (Class<?> c = o.getClass(); c != null && c.getName().startsWith(prefix); c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (f.getType().isPrimitive() || Modifier.isStatic(f.getModifiers())) {
                        continue;
                    }
                    try {
                        f.setAccessible(true);
                        Object v = f.get(o);
                        if (v != null && !(v instanceof String)) {
                            reach(v, prefix, depth - 1, reached);
                        }
                    } catch (Throwable ignored) {
                        // a field we may not read: not followed
                    }
                }
            }
        }
    }

    /** The SFTP requests waiting on this channel for their response, and their age (only under sftp.timeout). */
    private static void sftpRequests(StringBuilder out, Object channel) {
        try {
            for (String r : SftpDeadline.describe(channel)) {
                out.append("     sftp request ").append(Log.escapeLine(r)).append('\n');
            }
        } catch (Throwable ignored) {
            // not listed
        }
    }
}
