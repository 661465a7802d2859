package dev.lifeline.cli;

import dev.lifeline.report.Log;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code status --all [--format text|json]}: every JVM on this host this user may attach to, one line each, and
 * whether the SSH libraries it loaded are protected. It loads nothing into any JVM ({@link JvmProbe}). Each JVM is read
 * on its own daemon thread, all at once, and the command waits at most {@link Bounded#millis()} for all of them: a JVM
 * stopped with {@code kill -STOP} is named as not answering, and the threads left waiting end with this JVM.
 *
 * <p>Exit: {@link Cli#UNPROTECTED} when a JVM loaded an SSH library copy that is not protected; else
 * {@link Cli#NO_ANSWER} when a JVM did not answer; else {@link Cli#INVALID} when one could not be told; else
 * {@link Cli#OK} (every JVM with an SSH library protected, or none has one).
 */
final class HostStatus {
    private HostStatus() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        boolean json = false;
        for (int i = 2; i < args.length; i++) {
            if (args[i].equals("--format") && i + 1 < args.length
                    && (args[i + 1].equals("json") || args[i + 1].equals("text"))) {
                json = args[++i].equals("json");
            } else {
                err.println("lifeline: status --all takes only --format text|json, got: " + Log.value(args[i]));
                return Cli.USAGE;
            }
        }
        long t0 = System.nanoTime();
        List<String[]> listed;
        try {
            listed = TargetJvm.list();
        } catch (TargetJvm.Failure f) {
            err.println("lifeline: " + Log.escapeLine(f.getMessage()));
            return Cli.INVALID;
        }
        String self = selfPid();
        String myUid = uid("self");
        List<String[]> jvms = new ArrayList<String[]>();
        int othersSkipped = 0;
        for (String[] jvm : listed) {
            if (jvm[0].equals(self) || !TargetJvm.isPid(jvm[0])) {
                continue;
            }
            String uid = uid(jvm[0]);
            if (myUid != null && !myUid.equals("0") && uid != null && !uid.equals(myUid)) {
                othersSkipped++; // the attach API refuses another user's JVM: not the caller's to read
                continue;
            }
            jvms.add(new String[]{jvm[0], mainOf(jvm[1])});
        }
        long bound = Bounded.millis();
        List<JvmReport> reports = readAll(jvms, t0 + bound * 1_000_000, bound);
        long elapsed = (System.nanoTime() - t0) / 1_000_000;
        int exit = exitCode(reports);
        if (json) {
            HostStatusOutput.json(reports, bound, elapsed, othersSkipped, exit, out);
        } else {
            HostStatusOutput.text(reports, bound, elapsed, othersSkipped, exit, out);
        }
        return exit;
    }

    /**
     * Every JVM at once, one daemon thread each; those still at work at {@code deadline} ({@link System#nanoTime},
     * the command's start plus its bound) did not answer.
     */
    static List<JvmReport> readAll(List<String[]> jvms, long deadline, long boundMillis) {
        final JvmReport[] done = new JvmReport[jvms.size()];
        Thread[] threads = new Thread[jvms.size()];
        for (int i = 0; i < jvms.size(); i++) {
            final int n = i;
            final String[] jvm = jvms.get(i);
            threads[i] = new Thread(() -> {
                JvmReport r;
                try {
                    r = JvmProbe.read(jvm[0], jvm[1]);
                } catch (Throwable t) { // one JVM's surprise must not hide the others
                    r = JvmReport.unanswered(jvm[0], jvm[1], JvmReport.Verdict.UNKNOWN, TargetJvm.describe(t));
                }
                synchronized (done) {
                    done[n] = r;
                }
            }, "lifeline-cli-status-" + jvm[0]);
            threads[i].setDaemon(true);
            threads[i].start();
        }
        for (Thread t : threads) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left > 0) {
                try {
                    t.join(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        List<JvmReport> out = new ArrayList<JvmReport>();
        synchronized (done) {
            for (int i = 0; i < jvms.size(); i++) {
                String pid = jvms.get(i)[0];
                if (done[i] != null) {
                    out.add(done[i]);
                    continue;
                }
                char state = Bounded.processState(pid);
                boolean gone = state == 0 || state == 'Z' || state == 'X';
                out.add(JvmReport.unanswered(pid, jvms.get(i)[1],
                        gone ? JvmReport.Verdict.ENDED : JvmReport.Verdict.NO_ANSWER,
                        "no answer within " + Bounded.seconds(boundMillis) + " while " + Bounded.stepOf(threads[i]) + ": "
                                + Bounded.describeState(pid, state)));
            }
        }
        Collections.sort(out, (a, b) -> Long.compare(Long.parseLong(a.pid), Long.parseLong(b.pid)));
        return out;
    }

    static int exitCode(List<JvmReport> reports) {
        boolean noAnswer = false;
        boolean unknown = false;
        for (JvmReport r : reports) {
            JvmReport.Verdict v = r.verdict();
            if (v == JvmReport.Verdict.UNPROTECTED) {
                return Cli.UNPROTECTED;
            }
            noAnswer |= v == JvmReport.Verdict.NO_ANSWER;
            unknown |= v == JvmReport.Verdict.UNKNOWN;
        }
        return noAnswer ? Cli.NO_ANSWER : unknown ? Cli.INVALID : Cli.OK;
    }

    /**
     * The main class or jar: the first word of the JVM's command. Its arguments are left out: a password or token
     * on a command line is no business of an inventory.
     */
    static String mainOf(String displayName) {
        String d = displayName == null ? "" : displayName.trim();
        int space = d.indexOf(' ');
        return space < 0 ? d : d.substring(0, space);
    }

    private static String selfPid() {
        String name = ManagementFactory.getRuntimeMXBean().getName(); // "pid@host" on HotSpot (Java 8: no ProcessHandle)
        int at = name.indexOf('@');
        return at > 0 ? name.substring(0, at) : "";
    }

    /** The effective user id of a process ({@code /proc/PID/status}), or null where it cannot be read. */
    private static String uid(String pid) {
        try {
            for (String line : Files.readAllLines(new File("/proc/" + pid + "/status").toPath(), StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.substring(4).trim().split("\\s+");
                    return ids.length > 1 ? ids[1] : null;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process ended
        }
        return null;
    }
}
