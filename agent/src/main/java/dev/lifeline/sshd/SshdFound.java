package dev.lifeline.sshd;

import dev.lifeline.sessions.FoundAtAttach;

import java.util.List;

/**
 * MINA sessions already open when Lifeline is attached (issue 24): not searched yet. MINA's client sessions are
 * reached from the app's {@code SshClient} (its I/O connector's managed sessions, its session timeout checker on the
 * client's timer thread), and no live thread's task leads to one: the NIO2 transport runs on an
 * {@code AsynchronousChannelGroup}'s pool, the timer on a {@code ScheduledThreadPoolExecutor}, both reached only through
 * {@code java.util.concurrent} internals. Said in the attach report rather than guessed.
 */
public final class SshdFound {
    private SshdFound() {
    }

    public static void adopt(List<Thread> threads) {
        boolean minaThreads = false;
        for (Thread t : threads) {
            minaThreads |= t.getName().startsWith("sshd-"); // MINA names its pools' threads so
        }
        if (!minaThreads) {
            return; // no MINA client running: nothing to say
        }
        FoundAtAttach.notSearched("sshd", "MINA sessions open at attach are not found yet (no registry reachable from"
                + " live threads without java.util.concurrent internals); they keep their settings");
    }
}
