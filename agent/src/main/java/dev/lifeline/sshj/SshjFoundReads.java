package dev.lifeline.sshj;

import dev.lifeline.instrument.StreamGetter;
import dev.lifeline.report.Faults;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The threads blocked reading the stdout or stderr of sshj session channels found at attach, and what their stacks say
 * the channel is (issue 24): the common way to run a command is to read its output to the end, then {@code join()}.
 * A thread in {@code ChannelInputStream.read} waits on the stream's buffer, its monitor: one thread dump, matched by
 * the monitor's identity. The innermost application method on its stack that takes that stream ({@code getInputStream()}
 * for stdout, {@code getErrorStream()} for stderr) is read from its class file ({@link StreamGetter}): taken from a
 * {@code Session.Command}, the type only {@code exec()} returns, the channel is an exec; from a {@code Session.Shell} or
 * {@code Session.Subsystem}, it is not; from both in one method, not known. A stream read by a method that did not take
 * it (handed to a pump thread, kept in a field by another method) gives no evidence.
 */
final class SshjFoundReads {
    private static final String INPUT = "net.schmizz.sshj.connection.channel.ChannelInputStream";
    private static final String SESSION = "net/schmizz/sshj/connection/channel/direct/Session$";
    static final String COMMAND = SESSION + "Command";
    static final String SHELL = SESSION + "Shell";
    static final String SUBSYSTEM = SESSION + "Subsystem";
    private static final List<String> OWNERS = Arrays.asList(COMMAND, SHELL, SUBSYSTEM);
    /** sshj's own code (its {@code IOUtils.readFully}, SFTP's packet reader) takes no application's stream. */
    private static final List<String> LIBRARY = Arrays.asList("net.schmizz.", "com.hierynomus.");
    static final String[] STREAMS = {"stdout", "stderr"};
    static final String[] GETTERS = {"getInputStream", "getErrorStream"};

    private SshjFoundReads() {
    }

    /** What the threads reading one channel's output say: an exec (and how that was told), or why not. */
    static final class Verdict {
        final boolean exec;
        final String text;

        Verdict(boolean exec, String text) {
            this.exec = exec;
            this.text = text;
        }
    }

    /**
     * The channels among {@code channels} (open session channels) whose stdout or stderr a thread of {@code threads}
     * is blocked reading, with what that thread's stack says; a channel no such thread tells about is absent. Two
     * readers that disagree: the one saying "not an exec" wins (a false deadline would end a shell).
     */
    static Map<Object, Verdict> judge(List<Object> channels, List<Thread> threads) {
        Map<Integer, Object[]> byIdentity = new HashMap<Integer, Object[]>(); // {channel, stream index, monitor}
        for (Object ch : channels) {
            try {
                SshjApi api = SshjApi.of(ch);
                Object[] outputs = api.outputs(ch);
                for (int s = 0; s < outputs.length; s++) {
                    Object monitor = api.readMonitor(outputs[s]);
                    if (monitor != null) {
                        Integer id = System.identityHashCode(monitor);
                        // two alike: neither can be told
                        byIdentity.put(id, byIdentity.containsKey(id) ? null : new Object[]{ch, s, monitor});
                    }
                }
            } catch (Throwable t) {
                Faults.suppressed(t);
            }
        }
        Map<Object, Verdict> verdicts = new IdentityHashMap<Object, Verdict>();
        if (byIdentity.isEmpty() || threads.isEmpty()) {
            return verdicts;
        }
        try {
            Map<Long, Thread> byId = new HashMap<Long, Thread>();
            long[] ids = new long[threads.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = threads.get(i).getId();
                byId.put(ids[i], threads.get(i));
            }
            for (ThreadInfo info : ManagementFactory.getThreadMXBean().getThreadInfo(ids, Integer.MAX_VALUE)) {
                LockInfo lock = info == null ? null : info.getLockInfo();
                Object[] read = lock == null ? null : byIdentity.get(lock.getIdentityHashCode());
                if (read == null || !read[2].getClass().getName().equals(lock.getClassName())) {
                    continue;
                }
                StackTraceElement[] frames = info.getStackTrace();
                int from = afterRead(frames);
                if (from < 0) {
                    continue; // on the buffer's monitor, not in a read (available(), or sshj's own reader delivering)
                }
                Object ch = read[0];
                int s = (Integer) read[1];
                Thread t = byId.get(info.getThreadId());
                List<ClassLoader> loaders = Arrays.asList(ch.getClass().getClassLoader(),
                        t == null ? null : t.getContextClassLoader(), ClassLoader.getSystemClassLoader());
                Verdict v = verdict(info.getThreadName(), s,
                        StreamGetter.innermost(frames, from, LIBRARY, GETTERS[s], OWNERS, loaders));
                Verdict before = verdicts.get(ch);
                if (v != null && (before == null || (before.exec && !v.exec))) {
                    verdicts.put(ch, v);
                }
            }
        } catch (Throwable t) {
            Faults.suppressed(t); // no thread dump here (java.management left out of the runtime): no evidence
        }
        return verdicts;
    }

    /** The index of the frame that called {@code ChannelInputStream.read} (the outermost of its frames), or -1. */
    static int afterRead(StackTraceElement[] frames) {
        int after = -1;
        for (int i = 0; i < frames.length; i++) {
            if (frames[i].getClassName().equals(INPUT) && frames[i].getMethodName().equals("read")) {
                after = i + 1;
            }
        }
        return after;
    }

    /**
     * What a thread reading stream {@code s} (0 stdout, 1 stderr) says, by the method that took the stream
     * ({@code getter}, null when none on its stack did): null is no evidence.
     */
    static Verdict verdict(String thread, int s, StreamGetter getter) {
        if (getter == null) {
            return null;
        }
        String where = getter.frame.getClassName() + "." + getter.frame.getMethodName();
        String reads = "thread \"" + thread + "\" reads its " + STREAMS[s];
        boolean command = getter.owners.contains(COMMAND);
        if (command && getter.owners.size() == 1) {
            return new Verdict(true, reads + ", taken by " + GETTERS[s] + "() on a Session.Command in " + where);
        }
        if (command) {
            return new Verdict(false, "exec or shell not known (" + reads + " in " + where + ", which calls " + GETTERS[s]
                    + "() on a Session.Command and on a " + kinds(getter) + ")");
        }
        return new Verdict(false, "a shell or subsystem (" + reads + ", taken by " + GETTERS[s] + "() on a "
                + kinds(getter) + " in " + where + ")");
    }

    /** Session.Shell, Session.Subsystem, or both: the other types the method took the stream from. */
    private static String kinds(StreamGetter getter) {
        boolean shell = getter.owners.contains(SHELL);
        boolean subsystem = getter.owners.contains(SUBSYSTEM);
        return shell && subsystem ? "Session.Shell and a Session.Subsystem" : shell ? "Session.Shell" : "Session.Subsystem";
    }
}
