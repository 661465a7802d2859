package dev.lifeline.runtime;

import dev.lifeline.config.Mode;
import dev.lifeline.instrument.LiveThreads;
import dev.lifeline.jsch.JschFound;
import dev.lifeline.report.Counters;
import dev.lifeline.report.Faults;
import dev.lifeline.report.Log;
import dev.lifeline.sessions.FoundAtAttach;
import dev.lifeline.ssh2family.Ssh2Found;
import dev.lifeline.sshd.SshdFound;
import dev.lifeline.sshj.SshjFound;

import java.util.Arrays;
import java.util.List;

/**
 * Issue 24: an attach also protects the sessions already open, which is why an operator attaches to a JVM that is
 * stuck now. Run once per attach (first or second start), after the hooks are woven into the loaded classes (so a
 * session found here is closed, sampled and bounded by the same hooks as one opened later), on the attaching thread:
 * it reads fields and schedules, never waits on a session. Each library finds its own sessions; one line sums up.
 */
final class OpenAtAttach {
    private OpenAtAttach() {
    }

    static void protect(String via) {
        if (!AgentState.active || AgentState.config.mode() == Mode.OFF) {
            return; // not instrumenting: nothing to bring them under
        }
        try {
            List<Thread> threads = LiveThreads.all();
            FoundAtAttach.begin(AgentState.config.mode().label(), Arrays.asList("jsch", "sshd", "sshj", "trilead", "ganymed"));
            try {
                JschFound.adopt(threads);
            } catch (Throwable t) {
                notSearched("jsch", t);
            }
            try {
                SshdFound.adopt(threads);
            } catch (Throwable t) {
                notSearched("sshd", t);
            }
            try {
                SshjFound.adopt(threads);
            } catch (Throwable t) {
                notSearched("sshj", t);
            }
            try {
                Ssh2Found.adopt(threads); // Trilead and Ganymed, each reported under its own name
            } catch (Throwable t) {
                notSearched("trilead/ganymed", t);
            }
            Log.info("attach.found-sessions", "via", via, "result", FoundAtAttach.finish());
        } catch (Throwable t) {
            Counters.increment(Counters.Counter.INTERNAL_ERRORS);
            Log.warn("attach.found-sessions-failed", "error", t, "action", "sessions opened from now on are still protected");
        }
    }

    private static void notSearched(String lib, Throwable t) {
        Faults.suppressed(t);
        FoundAtAttach.notSearched(lib, t.toString());
    }
}
