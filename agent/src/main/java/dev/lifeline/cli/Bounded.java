package dev.lifeline.cli;

import dev.lifeline.report.Log;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every command that talks to a target JVM ends within a bound it states. The attach API and the JMX connector have
 * no time limit of their own: a JVM stopped with {@code kill -STOP}, or frozen, leaves them waiting forever. So the
 * command runs on a daemon thread and the caller waits at most the bound; then it says which step had no answer,
 * what the target's process state is, and exits {@link Cli#NO_ANSWER} (a JVM that ended meanwhile:
 * {@link Cli#GONE}). The work thread is left behind: the CLI's JVM exits right after.
 */
final class Bounded {
    /** status and sessions: longer than HotSpot's own attach timeout (10 s) for a JVM never attached to before. */
    static final long DEFAULT_MILLIS = 20_000;
    /** Each work thread's current step: {@code status --all} talks to many JVMs at once, one thread each. */
    private static final Map<Thread, String> STEPS = new ConcurrentHashMap<Thread, String>();

    private Bounded() {
    }

    /** {@code -Dlifeline.cli.timeoutMillis}, else {@link #DEFAULT_MILLIS}; attach adds its wait for the report. */
    static long millis() {
        return Math.max(1, Long.getLong("lifeline.cli.timeoutMillis", DEFAULT_MILLIS));
    }

    /** What the command is doing now, for the message when the bound passes ("attaching to 1234"). */
    static void step(String what) {
        STEPS.put(Thread.currentThread(), what);
    }

    /** The step {@code t} is at ("starting" before its first). */
    static String stepOf(Thread t) {
        String s = STEPS.get(t);
        return s == null ? "starting" : s;
    }

    static int run(String command, final String pid, long boundMillis, final Callable<Integer> work, PrintStream err) {
        final int[] result = {Cli.INVALID};
        final Throwable[] failure = new Throwable[1];
        Thread t = start(command, work, result, failure, boundMillis);
        if (t.isAlive()) {
            char state = processState(pid);
            boolean gone = state == 0 || state == 'Z' || state == 'X';
            err.println("lifeline: " + command + " " + pid + ": no answer within " + seconds(boundMillis) + " while "
                    + stepOf(t) + ": " + describeState(pid, state) + "; gave up (exit " + (gone ? Cli.GONE : Cli.NO_ANSWER)
                    + ")");
            return gone ? Cli.GONE : Cli.NO_ANSWER;
        }
        if (failure[0] != null) {
            err.println("lifeline: " + command + " failed: " + TargetJvm.describe(failure[0]));
            return Cli.INVALID;
        }
        return result[0];
    }

    /**
     * {@code check} and {@code explain} read a file only, but a file on a hung network mount blocks {@code stat} and
     * {@code read} without limit (the agent's own load is bounded at start-up for the same reason): the same bound,
     * and the message names the file.
     */
    static int runReading(String command, String file, long boundMillis, Callable<Integer> work, PrintStream err) {
        final int[] result = {Cli.INVALID};
        final Throwable[] failure = new Throwable[1];
        Thread t = start(command, work, result, failure, boundMillis);
        if (t.isAlive()) {
            err.println("lifeline: " + command + ": no answer within " + seconds(boundMillis) + " while reading "
                    + Log.value(file) + ": its file system does not answer (a hung network mount or disk?); gave up (exit "
                    + Cli.NO_ANSWER + ")");
            return Cli.NO_ANSWER;
        }
        if (failure[0] != null) {
            err.println("lifeline: " + command + " failed: " + Log.escapeLine(String.valueOf(failure[0])));
            return Cli.INVALID;
        }
        return result[0];
    }

    /** Runs {@code work} on a daemon thread and waits for it at most {@code boundMillis}. */
    private static Thread start(String command, final Callable<Integer> work, final int[] result, final Throwable[] failure,
                                long boundMillis) {
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                try {
                    result[0] = work.call();
                } catch (Throwable e) {
                    failure[0] = e;
                }
            }
        }, "lifeline-cli-" + command);
        t.setDaemon(true);
        t.start();
        try {
            t.join(boundMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return t;
    }

    /**
     * A command failed talking to {@code pid}: when the process has ended or is ending meanwhile, that is the message
     * and {@link Cli#GONE}; otherwise the failure's own message and {@link Cli#INVALID}.
     */
    static int failed(String pid, TargetJvm.Failure f, PrintStream err) {
        char state = processState(pid);
        if (state == 'Z' || state == 'X' || (state == 0 && new File("/proc/self").isDirectory() && f.reachedTarget)) {
            err.println("lifeline: JVM " + pid + " ended while " + stepOf(Thread.currentThread()) + " (" + Log.escapeLine(f.getMessage()) + ")");
            return Cli.GONE;
        }
        err.println("lifeline: " + Log.escapeLine(f.getMessage()));
        return Cli.INVALID;
    }

    static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis / 1000.0 + " s";
    }

    /** The state letter of {@code /proc/PID/stat} (R, S, D, T, t, Z, X...), or 0 when there is no such process. */
    static char processState(String pid) {
        try {
            String stat = new String(Files.readAllBytes(new File("/proc/" + pid + "/stat").toPath()), StandardCharsets.ISO_8859_1);
            int close = stat.lastIndexOf(')'); // the command name may hold spaces and parentheses
            return close > 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
        } catch (IOException | RuntimeException e) {
            return new File("/proc/self").isDirectory() ? 0 : '?';
        }
    }

    static String describeState(String pid, char state) {
        switch (state) {
            case 'T':
            case 't':
                return "process " + pid + " is stopped (kill -STOP, or a debugger holds it): it cannot answer until"
                        + " it is continued (kill -CONT " + pid + ")";
            case 'Z':
            case 'X':
                return "process " + pid + " is exiting";
            case 'D':
                return "process " + pid + " waits in the kernel (uninterruptible I/O: a hung disk or network file system?)";
            case 0:
                return "process " + pid + " has ended";
            case '?':
                return "JVM " + pid + " is frozen or too busy to answer (its process state could not be read)";
            default:
                return "JVM " + pid + " runs but does not answer (frozen: a deadlock, a long GC pause, out of memory?)";
        }
    }
}
