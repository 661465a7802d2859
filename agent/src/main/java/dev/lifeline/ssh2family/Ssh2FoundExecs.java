package dev.lifeline.ssh2family;

import dev.lifeline.instrument.CallSites;
import dev.lifeline.report.Faults;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Which channels of a connection found at attach are execs (issue 24). The channel cannot say: the family keeps no
 * command, and an exec, a shell and a subsystem set the same flag on their {@code Session}, which nothing leads back to.
 * What can say is the application's thread waiting on the channel (its monitor: {@code waitForCondition} and a stream
 * read wait there), when a method on its stack started that session: {@code execCommand} and no {@code startShell} or
 * {@code startSubSystem} in the method's bytecode ({@link CallSites#methodInvokes}), as the family's own examples are
 * written, or when such a method waits in {@code Thread.join} for a thread that waits on the channel (Jenkins'
 * {@code Connection.exec}: {@code execCommand}, a pump thread per stream, then joins them). Such a channel gets exec
 * deadlines counted from the attach. The channel table has every channel, but nothing in a channel tells an exec from
 * a shell; so a channel whose starter is not waiting for it that way (its output read by a thread the starter does not
 * join, as with Ganymed's {@code StreamGobbler} read from elsewhere, or the starter gone on to other work; or a shell)
 * is not taken for one: ending a shell would be a false deadline, so {@link #why} names what was missing.
 */
final class Ssh2FoundExecs {
    /** Channels found at attach with no such evidence, and why: {@code sessions} says so for each. */
    private static final Map<Object, String> UNKNOWN = Collections.synchronizedMap(new WeakHashMap<Object, String>());
    private static final String NOT_KNOWN = "exec or shell not known (the library keeps no command; no thread waits on it,"
            + " or joins its reader, from a method that ran execCommand)";

    private Ssh2FoundExecs() {
    }

    /**
     * The open channels among {@code channels} that a live thread waits on from a method that ran {@code execCommand};
     * the others are remembered as not known. The waiting threads are matched by the identity of the monitor they wait
     * on (one thread dump of {@code threads}, once per connection found).
     */
    static List<Object> execs(Ssh2Library lib, List<Object> channels, List<Thread> threads) {
        Map<Integer, Object> byIdentity = new HashMap<Integer, Object>();
        for (Object ch : channels) {
            Ssh2Api api = lib.api(ch);
            if (api.isClosed(ch) || api.closeSent(ch)) {
                continue; // ending already
            }
            Integer id = System.identityHashCode(ch);
            byIdentity.put(id, byIdentity.containsKey(id) ? null : ch); // two alike: neither can be told
            UNKNOWN.put(ch, NOT_KNOWN);
        }
        List<Object> execs = new ArrayList<Object>();
        if (byIdentity.isEmpty()) {
            return execs;
        }
        try {
            Map<Long, Thread> byId = new HashMap<Long, Thread>();
            Map<Integer, Thread> threadByIdentity = new HashMap<Integer, Thread>();
            long[] ids = new long[threads.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = threads.get(i).getId();
                byId.put(ids[i], threads.get(i));
                threadByIdentity.put(System.identityHashCode(threads.get(i)), threads.get(i));
            }
            String channelType = lib.pkg + ".channel.Channel";
            String session = Ssh2Library.internal(lib.pkg + ".Session");
            ThreadInfo[] infos = ManagementFactory.getThreadMXBean().getThreadInfo(ids, Integer.MAX_VALUE);
            Map<Long, ThreadInfo> infoById = new HashMap<Long, ThreadInfo>();
            for (ThreadInfo info : infos) {
                if (info != null) {
                    infoById.put(info.getThreadId(), info);
                }
            }
            for (ThreadInfo info : infos) {
                Object ch = channelWaitedOn(info, channelType, byIdentity);
                if (ch == null) {
                    // a thread joining the one that reads the channel: Jenkins' Connection.exec runs execCommand, starts
                    // a pump thread per stream and joins them; that method's bytecode says what it started
                    ThreadInfo joined = infoById.get(joinedThreadId(info, threadByIdentity));
                    ch = channelWaitedOn(joined, channelType, byIdentity);
                }
                if (ch == null || execs.contains(ch)) {
                    continue;
                }
                Thread t = byId.get(info.getThreadId());
                List<ClassLoader> loaders = Arrays.asList(ch.getClass().getClassLoader(),
                        t == null ? null : t.getContextClassLoader(), ClassLoader.getSystemClassLoader());
                String started = startedBy(info.getStackTrace(), loaders, session);
                if ("execCommand".equals(started)) {
                    execs.add(ch);
                    UNKNOWN.remove(ch);
                } else if (started != null) {
                    UNKNOWN.put(ch, "a shell or subsystem (the method waiting on it ran " + started + ")");
                }
            }
        } catch (Throwable t) {
            Faults.suppressed(t); // no thread dump here (java.management left out of the runtime): no evidence
        }
        return execs;
    }

    /** The open channel (of {@code byIdentity}) whose monitor {@code info}'s thread waits on, or null. */
    private static Object channelWaitedOn(ThreadInfo info, String channelType, Map<Integer, Object> byIdentity) {
        LockInfo lock = info == null ? null : info.getLockInfo();
        return lock == null || !channelType.equals(lock.getClassName()) ? null : byIdentity.get(lock.getIdentityHashCode());
    }

    /** The id of the live thread whose monitor {@code info}'s thread waits on ({@code Thread.join}), or -1. */
    private static long joinedThreadId(ThreadInfo info, Map<Integer, Thread> threadByIdentity) {
        LockInfo lock = info == null ? null : info.getLockInfo();
        Thread joined = lock == null ? null : threadByIdentity.get(lock.getIdentityHashCode());
        return joined != null && joined.getClass().getName().equals(lock.getClassName()) ? joined.getId() : -1L;
    }

    /** The first method on the stack (innermost first) that starts a session: what it starts with, or null. */
    private static String startedBy(StackTraceElement[] frames, List<ClassLoader> loaders, String session) {
        for (StackTraceElement f : frames) {
            String type = f.getClassName();
            if (type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.")) {
                continue;
            }
            Set<String> calls = CallSites.methodInvokes(f, loaders, session);
            if (calls.contains("startShell") || calls.contains("startSubSystem")) {
                return calls.contains("startShell") ? "startShell" : "startSubSystem";
            }
            if (calls.contains("execCommand")) {
                return "execCommand";
            }
        }
        return null;
    }

    /** Why a channel found at attach has no exec deadline, or null for any other channel. */
    static String why(Object channel) {
        return UNKNOWN.get(channel);
    }

    /** The channel as the attach names it: {@code chan#N}. */
    static String name(Ssh2Library lib, Object channel) {
        int id = lib.api(channel).localId(channel);
        return id >= 0 ? "chan#" + id : "a channel";
    }
}
