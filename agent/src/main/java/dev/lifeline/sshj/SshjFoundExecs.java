package dev.lifeline.sshj;

import dev.lifeline.instrument.CallSites;
import dev.lifeline.instrument.LiveThreads;
import dev.lifeline.report.Faults;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Which sshj session channels open at attach are execs (issue 24). The channel cannot say: sshj has one class,
 * {@code SessionChannel}, for an exec, a shell and a subsystem, keeps no command, and sets the same {@code usedUp} flag for
 * each request. What can say is the application's thread waiting for the command: parked on the channel's close
 * condition (what {@code join()} awaits) in {@code AbstractChannel.join}, called from a line whose bytecode invokes
 * {@code join} on {@code Session.Command}, the type only {@code exec()} returns ({@link CallSites}); or blocked reading
 * the channel's stdout or stderr, taken by a method on its stack from a {@code Session.Command} ({@link SshjFoundReads}).
 * Such a channel gets exec deadlines counted from the attach, and {@link #how} says which evidence made it an exec. A
 * channel nobody waits on that way (its output read by a thread that did not take it, one joined through
 * {@code Channel} or {@code Session}, a shell) is not taken for one: ending a shell would be a false deadline, so
 * {@link #why} names what was missing.
 */
final class SshjFoundExecs {
    static final String SESSION_CHANNEL = "net.schmizz.sshj.connection.channel.direct.SessionChannel";
    private static final String CHANNEL = "net.schmizz.sshj.connection.channel.AbstractChannel";
    private static final String NOT_KNOWN = "exec or shell not known (sshj keeps no command; no thread waits in its join()"
            + " as a Session.Command or reads its stdout or stderr taken from one)";
    private static final String JOINS = "a thread waits in its join() as a Session.Command";
    /** Session channels found at attach with no such evidence, and why: {@code sessions} says so for each. */
    private static final Map<Object, String> UNKNOWN = Collections.synchronizedMap(new WeakHashMap<Object, String>());
    /** Session channels found at attach to be execs, and by what evidence: {@code sessions} names it. */
    private static final Map<Object, String> EXECS = Collections.synchronizedMap(new WeakHashMap<Object, String>());

    private SshjFoundExecs() {
    }

    /**
     * The open session channels among {@code channels} that a live thread waits on in {@code join()} as a
     * {@code Session.Command}, or reads the output of as one's; the others are remembered as not known. Only threads
     * parked on one of these channels' close conditions have their stack read for a join; for the rest, one thread dump
     * finds those blocked reading their output.
     */
    static List<Object> execs(List<Object> channels, List<Thread> threads) {
        Map<Object, Object> byCondition = new IdentityHashMap<Object, Object>();
        List<Object> open = new ArrayList<Object>();
        for (Object ch : channels) {
            try {
                // in the connection's channel map until it ends; closeRequested read from its field, not isOpen(), which
                // takes the channel's lock, held by a close writing to a dead peer
                if (LiveThreads.isA(ch, SESSION_CHANNEL) && !SshjApi.of(ch).closeRequested(ch)) {
                    Object cond = SshjApi.of(ch).closeCondition(ch);
                    if (cond != null) {
                        byCondition.put(cond, ch);
                    }
                    open.add(ch);
                    UNKNOWN.put(ch, NOT_KNOWN);
                }
            } catch (Throwable t) {
                Faults.suppressed(t);
            }
        }
        List<Object> execs = new ArrayList<Object>();
        for (Thread t : threads) {
            Object ch = byCondition.get(LockSupport.getBlocker(t));
            if (ch != null && !execs.contains(ch) && joinsAsCommand(t, ch)) {
                exec(execs, ch, JOINS);
            }
        }
        open.removeAll(execs);
        for (Map.Entry<Object, SshjFoundReads.Verdict> e : SshjFoundReads.judge(open, threads).entrySet()) {
            if (e.getValue().exec) {
                exec(execs, e.getKey(), e.getValue().text);
            } else {
                UNKNOWN.put(e.getKey(), e.getValue().text);
            }
        }
        return execs;
    }

    private static void exec(List<Object> execs, Object ch, String how) {
        execs.add(ch);
        UNKNOWN.remove(ch);
        EXECS.put(ch, how);
    }

    /** The frame that called {@code AbstractChannel.join} invokes {@code Session.Command.join} on its line. */
    private static boolean joinsAsCommand(Thread t, Object channel) {
        StackTraceElement[] frames = t.getStackTrace();
        for (int i = 0; i + 1 < frames.length; i++) {
            if (frames[i].getClassName().equals(CHANNEL) && frames[i].getMethodName().equals("join")) {
                // sshj's own loader first (an app using sshj usually sees it, or is beside it), then the thread's
                List<ClassLoader> loaders = Arrays.asList(channel.getClass().getClassLoader(), t.getContextClassLoader(),
                        ClassLoader.getSystemClassLoader());
                return CallSites.lineInvokes(frames[i + 1], loaders, SshjFoundReads.COMMAND, "join");
            }
        }
        return false;
    }

    /** Why a session channel found at attach has no exec deadline, or null for any other channel. */
    static String why(Object channel) {
        return UNKNOWN.get(channel);
    }

    /** What made a session channel found at attach an exec, or null for any other channel. */
    static String how(Object channel) {
        return EXECS.get(channel);
    }

    /** The channel as the attach names it: {@code chan#N}. */
    static String name(Object channel) {
        try {
            return "chan#" + SshjApi.of(channel).channelId(channel);
        } catch (Throwable t) {
            return "a channel";
        }
    }
}
