package dev.lifeline.enforce;

import dev.lifeline.config.Durations;
import dev.lifeline.config.Mode;
import dev.lifeline.config.Policy;
import dev.lifeline.policy.Policies;
import dev.lifeline.report.Counters;
import dev.lifeline.report.Counters.Counter;
import dev.lifeline.report.Log;

/**
 * {@code close.timeout}: a close, disconnect or graceful-close wait that is still running after the deadline gets its
 * socket shut, which every blocked read, write or wait in the libraries turns into an error or EOF.
 */
public final class CloseDeadline {
    private CloseDeadline() {
    }

    /**
     * @param force must not block: it runs on the deadline thread
     * @return the deadline to cancel when the close returns, or null when none applies
     */
    public static DeadlineScheduler.Deadline arm(final String what, final Policy policy, final String lib, final Runnable force) {
        if (policy == null || policy.mode() == Mode.OFF || policy.closeTimeoutMillis() <= 0) {
            return null;
        }
        final long start = DeadlineScheduler.nanoTime();
        final boolean audit = policy.mode() == Mode.AUDIT;
        return DeadlineScheduler.schedule("close", policy.closeTimeoutMillis(), new Runnable() {
            @Override
            public void run() {
                long elapsed = (DeadlineScheduler.nanoTime() - start) / 1000000L;
                String down = Policies.standDownReason(policy);
                if (down != null) { // armed before a reload or setMode turned its host's mode off
                    Log.info("close.deadline-stood-down", "lib", lib, "host", policy.host(), "port", policy.port(),
                            "what", what, "elapsed_ms", elapsed, "reason", down, "action", "none");
                    return;
                }
                if (audit) {
                    Log.warn("close.deadline-would-fire", "lib", lib, "host", policy.host(), "port", policy.port(),
                            "what", what, "elapsed_ms", elapsed, "limit", Durations.format(policy.closeTimeoutMillis()),
                            "rule", policy.source("close.timeout"), "would", "shut the socket", "action", "none (audit)");
                    return;
                }
                Counters.increment(Counter.CLOSE_DEADLINES_FIRED);
                Log.warn("close.deadline-fired", "lib", lib, "host", policy.host(), "port", policy.port(), "what", what,
                        "elapsed_ms", elapsed, "limit", Durations.format(policy.closeTimeoutMillis()),
                        "rule", policy.source("close.timeout"), "action", "socket shut");
                BlockedThreads.sessionEnding();
                force.run();
            }
        });
    }

    public static void disarm(DeadlineScheduler.Deadline d) {
        if (d != null) {
            d.cancel();
        }
    }
}
