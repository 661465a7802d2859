package dev.lifeline.sessions;

import dev.lifeline.enforce.ExecDeadline;
import dev.lifeline.enforce.ForwardIdle;
import dev.lifeline.report.Faults;

/**
 * The channel hooks every library has, the same in each: a library's {@code *Hooks} hands over to these. Like every
 * hook, they catch what they throw and count it ({@link Faults#suppressed}): the application never sees Lifeline fail.
 */
public final class ChannelHooks {
    private ChannelHooks() {
    }

    /** What a library does when its exec request has gone out: {@code *Channels.EXEC}. */
    public interface ExecStart {
        /** @param command the command line where the hook has it, else null (the library reads it itself) */
        void execStarted(Object channel, Object command) throws Exception;
    }

    public static void execStarted(ExecStart library, Object channel, Object command) {
        try {
            library.execStarted(channel, command);
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** Every data packet of every channel: one map lookup. */
    public static void output(Object channel) {
        try {
            ExecDeadline.output(channel);
            ForwardIdle.activity(channel); // a forwarded connection's data from the peer
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** JSch: a command a deadline sent TERM reports "no exit status" (-1), even if it trapped TERM and exited 0. */
    public static int exitStatus(int status, Object channel) {
        try {
            return ExecDeadline.endedByDeadline(channel) ? -1 : status;
        } catch (Throwable t) {
            Faults.suppressed(t);
            return status;
        }
    }

    /** MINA, sshj: no exit status (null), as for a command killed by a signal, even if it trapped TERM and exited 0. */
    public static Object exitStatus(Object status, Object channel) {
        try {
            return status != null && ExecDeadline.endedByDeadline(channel) ? null : status;
        } catch (Throwable t) {
            Faults.suppressed(t);
            return status;
        }
    }
}
