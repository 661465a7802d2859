package dev.lifeline.report;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What Lifeline has done since the JVM started, for logs, tests and the JMX view. Plain atomics: counting must cost
 * nothing next to the SSH work it describes.
 */
public final class Counters {
    public enum Counter {
        SESSIONS_SEEN("sessionsSeen"),
        SESSIONS_CHANGED("sessionsChanged"),
        /** Sessions already open when Lifeline was attached, found and registered (each also counts in sessionsSeen). */
        SESSIONS_FOUND_AT_ATTACH("sessionsFoundAtAttach"),
        KEEPALIVE_DECLARED_DEAD("keepaliveDeclaredDead"),
        EXEC_DEADLINES_WATCHED("execDeadlinesWatched"),
        EXEC_DEADLINES_TERM("execDeadlinesTerm"),
        EXEC_DEADLINES_KILL("execDeadlinesKill"),
        EXEC_DEADLINES_AUDITED("execDeadlinesAudited"),
        CLOSE_DEADLINES_FIRED("closeDeadlinesFired"),
        CONNECT_DEADLINES_FIRED("connectDeadlinesFired"),
        /** SFTP requests failed by {@code sftp.timeout} (their SFTP channel closed, the session kept). */
        SFTP_DEADLINES_FIRED("sftpDeadlinesFired"),
        /** SFTP deadlines that would have fired in {@code audit} mode. */
        SFTP_DEADLINES_AUDITED("sftpDeadlinesAudited"),
        THREADS_WOKEN("threadsWoken"),
        INTERNAL_ERRORS("internalErrors"),
        /** Deadline actions (signal, close) not run because the action queue was full; each also counts as internalErrors. */
        ACTIONS_DROPPED("actionsDropped"),
        /** Threads found blocked in an SSH library call longer than {@code watchdog.threshold} (each blocking once). */
        THREADS_STUCK("threadsStuck"),
        /** Forwarded connections closed by {@code forward.idleTimeout}. */
        FORWARD_IDLE_CLOSED("forwardIdleClosed"),
        /** Forwarded connections {@code forward.idleTimeout} would have closed in {@code audit} mode. */
        FORWARD_IDLE_AUDITED("forwardIdleAudited"),
        /** Local-forward listeners closed because their session ended (by the library or by Lifeline). */
        FORWARD_LISTENERS_CLOSED("forwardListenersClosed");

        /** The JMX attribute name. */
        public final String attribute;
        final AtomicLong value = new AtomicLong();

        Counter(String attribute) {
            this.attribute = attribute;
        }

        public long get() {
            return value.get();
        }
    }

    private Counters() {
    }

    public static void increment(Counter c) {
        c.value.incrementAndGet();
    }

    public static void add(Counter c, long n) {
        c.value.addAndGet(n);
    }
}
