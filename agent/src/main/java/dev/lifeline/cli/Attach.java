package dev.lifeline.cli;

import dev.lifeline.config.Config;
import dev.lifeline.config.ConfigError;
import dev.lifeline.report.Log;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Collections;
import java.util.Map;

/**
 * {@code attach PID [FILE]}: loads this agent jar into a running JVM and says so only once the target itself reports
 * it. In order: FILE is validated as {@code check} does (errors: nothing is attached); PID must be a JVM (checked
 * without signalling it, see {@link TargetJvm#checkIsJvm}); the agent is loaded; then the target's
 * {@code lifeline:type=Agent} MBean is read through its local management agent until it reports Lifeline active with
 * FILE. Exit 0 only then; otherwise the state the target reports and why, exit 1.
 *
 * <p>In a JVM where Lifeline already runs, the agent's second start switches it to FILE; the command says it did.
 */
final class Attach {
    /** How long to wait for the target to report; the agent registers its MBean 5 s after it starts. */
    static final long WAIT_MILLIS = Long.getLong("lifeline.attach.waitMillis", 20_000L);
    private static final long POLL_MILLIS = 250;

    private Attach() {
    }

    /** The bound of the whole command: {@link Bounded#millis()} for talking to the target, plus the wait for its report. */
    static long boundMillis() {
        return Bounded.millis() + WAIT_MILLIS;
    }

    static int run(final String pid, final String file, final PrintStream out, final PrintStream err) {
        if (!TargetJvm.isPid(pid)) {
            err.println("lifeline: PID must be a process id (digits), got: " + Log.value(pid));
            return Cli.USAGE;
        }
        return Bounded.run("attach", pid, boundMillis(), () -> attach(pid, file, out, err), err);
    }

    private static int attach(String pid, String file, PrintStream out, PrintStream err) {
        String expectedFile = "";
        Config fileConfig = null;
        if (file != null) {
            File f = new File(file);
            if (!f.isFile()) {
                err.println("lifeline: configuration file not found: " + Log.value(file) + "; nothing was attached");
                return Cli.INVALID;
            }
            Map<String, String> none = Collections.emptyMap();
            Config c = Config.loadFile(f.getAbsolutePath(), none, none);
            if (!c.errors().isEmpty()) {
                for (ConfigError e : c.errors()) {
                    err.println("error: " + Log.escapeLine(e.toString()));
                }
                err.println(c.errors().size() + (c.errors().size() == 1 ? " error" : " errors") + " in " + Log.value(file)
                        + "; nothing was attached to " + pid);
                return Cli.INVALID;
            }
            expectedFile = c.file() == null ? f.getAbsolutePath() : c.file();
            fileConfig = c;
        }
        try {
            TargetJvm.checkIsJvm(pid);
        } catch (TargetJvm.Failure f) {
            return Bounded.failed(pid, f, err);
        }
        String jar = TargetJvm.agentJar();
        if (jar == null) {
            err.println("lifeline: cannot tell where lifeline-agent.jar is; run this command as java -jar lifeline-agent.jar attach ...");
            return Cli.INVALID;
        }
        try (TargetJvm vm = TargetJvm.attach(pid);
             Status.Reader reader = Status.Reader.connect(vm.localJmxAddress())) {
            Status.Snapshot before = reader.read();
            java.util.Properties props = vm.systemProperties();
            boolean running = before.present || props.getProperty(dev.lifeline.runtime.AgentState.LOADED_PROPERTY) != null;
            if (file == null && running) {
                // never a silent switch to the defaults: without FILE, a running Lifeline keeps its settings
                out.println("Lifeline already runs in " + pid + "; attach without FILE changes nothing there (to change"
                        + " its settings: attach " + pid + " FILE). Its status:");
                return Status.report(pid, vm, reader, before, out);
            }
            String jmxOff = jmxOff(vm, props, fileConfig);
            // file= (last) takes the rest of the argument as the path: a path with , or = stays one path
            vm.loadAgent(jar, file == null ? "" : "file=" + new File(file).getAbsolutePath());
            if (jmxOff != null) {
                // nothing to read back: say so now instead of waiting for an MBean that will not come
                err.println("lifeline: the agent was loaded into " + pid + " with " + (file == null ? "its defaults"
                        : Log.value(expectedFile)) + ", but it runs with jmx.enabled=false (" + jmxOff + "), so it cannot"
                        + " report: NOT confirmed protected; see that JVM's log (agent.started, agent.reconfigured,"
                        + " config.invalid)");
                return Cli.INVALID;
            }
            Status.Snapshot after = awaitSettled(reader, before, expectedFile);
            return report(pid, file, expectedFile, before, after, out, err);
        } catch (TargetJvm.Failure f) {
            return Bounded.failed(pid, f, err);
        }
    }

    /** Where JMX is off for the agent this attach loads: the target's property or variable, else FILE; null: on. */
    private static String jmxOff(TargetJvm vm, java.util.Properties props, Config fileConfig) {
        String outside = vm.jmxDisabledBy(props);
        if (outside != null || props.getProperty("lifeline.jmx.enabled") != null) {
            return outside;
        }
        return fileConfig != null && !fileConfig.jmxEnabled() ? "jmx.enabled = false in the file" : null;
    }

    /** Polls until the target reports FILE active, or a definite failure, or {@link #WAIT_MILLIS} pass. */
    private static Status.Snapshot awaitSettled(Status.Reader reader, Status.Snapshot before, String expectedFile)
            throws TargetJvm.Failure {
        Bounded.step("waiting for the target to report the agent (at most " + Bounded.seconds(WAIT_MILLIS) + ")");
        long deadline = System.nanoTime() + WAIT_MILLIS * 1_000_000L;
        Status.Snapshot s;
        while (true) {
            s = reader.read();
            if (protectedWith(s, expectedFile) || failedDefinitely(before, s) || System.nanoTime() > deadline) {
                return s;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return s;
            }
        }
    }

    /**
     * The file a running agent had before this attach, from its {@code LastReload} ({@code via=attach
     * previous_file=...}); null when the load was a first start. The MBean of an agent started moments ago may not be
     * registered yet when the state is first read, so this is how a second start is told from a first.
     */
    static String previousFileOfAttach(Status.Snapshot s) {
        String reload = s.text("LastReload");
        String marker = " via=attach previous_file=";
        int at = reload == null ? -1 : reload.lastIndexOf(marker);
        return at < 0 ? null : reload.substring(at + marker.length()).trim();
    }

    static boolean protectedWith(Status.Snapshot s, String expectedFile) {
        return s.active() && sameFile(s.configFile(), expectedFile);
    }

    private static boolean sameFile(String reported, String expected) {
        if (reported.equals(expected)) {
            return true;
        }
        if (reported.isEmpty() || expected.isEmpty()) {
            return false;
        }
        try {
            return new File(reported).getCanonicalPath().equals(new File(expected).getCanonicalPath());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The sessions the agent found already open at this attach (issue 24), as it reports them: per library how many,
     * how many it brought under protection, and each it could not, with why. @return false for an agent that does not
     * report them (an older version)
     */
    static boolean printFound(Status.Snapshot after, PrintStream out) {
        String found = after.text("FoundAtAttach");
        if (found == null) {
            return false;
        }
        out.println("sessions already open (found at attach):");
        if (found.trim().isEmpty()) {
            out.println("  none looked for (Lifeline is not active there)");
        }
        for (String line : found.split("\n")) {
            if (!line.isEmpty()) {
                out.println("  " + Log.escapeLine(line));
            }
        }
        return true;
    }

    /** The target said no: newly disabled, or its last reload changed to a rejection. */
    private static boolean failedDefinitely(Status.Snapshot before, Status.Snapshot now) {
        if (!now.present || now.text("State") == null) {
            return false; // an agent without State: only the wait tells
        }
        boolean newlyDisabled = "disabled".equals(now.state()) && !(before.present && "disabled".equals(before.state()));
        String reload = now.text("LastReload");
        boolean newlyRejected = reload != null && reload.contains("rejected")
                && !reload.equals(before.present ? before.text("LastReload") : null);
        return newlyDisabled || newlyRejected;
    }

    private static int report(String pid, String file, String expectedFile, Status.Snapshot before,
                              Status.Snapshot after, PrintStream out, PrintStream err) {
        String with = file == null ? "its defaults (no file)" : Log.value(expectedFile);
        if (!after.present) {
            err.println("lifeline: the agent was loaded into " + pid + " but does not report after " + WAIT_MILLIS / 1000
                    + " s (no MBean " + Status.AGENT + "): it most likely rejected its configuration (see that JVM's"
                    + " stderr or log.file: event=config.invalid, agent.disabled), or runs with jmx.enabled=false, or"
                    + " delays registration by 60 s in an application server. NOT confirmed protected.");
            return Cli.INVALID;
        }
        if (protectedWith(after, expectedFile)) {
            String previous = previousFileOfAttach(after);
            if (before.present || previous != null) {
                String beforeFile = before.present ? before.configFile() : previous.equals("none") ? "" : previous;
                out.println("Lifeline was already running in " + pid + " (state " + (before.present ? Log.escapeLine(before.state())
                        : "not yet reported") + ", file " + (beforeFile.isEmpty() ? "none" : Log.value(beforeFile)) + ")"
                        + (sameFile(beforeFile, expectedFile) && (!before.present || before.active())
                        ? "; it keeps " + with : "; switched to " + with));
            } else {
                out.println("attached Lifeline to " + pid + " with " + with);
            }
            after.print(pid, out);
            boolean foundReported = printFound(after, out);
            // "protected" only of what was checked: every library copy the target loaded, as it reports them
            if (after.unprotected() > 0) {
                err.println("lifeline: NOT protected: " + pid + " runs Lifeline, active, with " + with + ", but "
                        + after.unprotected() + " SSH library copies there are left unchanged (libraries above: a"
                        + " loader that cannot see the agent, members missing, a relocated copy); their sessions get no"
                        + " keepalive or deadlines. See that JVM's stderr (or log.file): instrumentation.unsupported,"
                        + " library.unprotected");
                return Cli.UNPROTECTED;
            }
            if (after.hookFailures() > 0) {
                err.println("lifeline: NOT fully protected: " + pid + " runs Lifeline, active, with " + with + ", but "
                        + after.hookFailures() + " hooks failed there (hook failures above: a protection that could not"
                        + " be applied, e.g. a library on the module path); see that JVM's internal.error lines");
                return Cli.UNPROTECTED;
            }
            if (after.noLibraryYet()) {
                out.println("ACTIVE: " + pid + " runs Lifeline, active, with " + with + ". It has loaded no SSH library"
                        + " yet, so nothing is protected yet: a library it loads from now on is woven as it loads."
                        + " Its log lines go to that JVM's stderr (or log.file).");
                return Cli.OK;
            }
            out.println("PROTECTED: " + pid + " runs Lifeline, active, with " + with + "; every SSH library copy it"
                    + " loaded is woven (libraries above). New SSH sessions get these settings; " + (foundReported
                    ? "sessions already open were brought under them as far as each library allows (found at attach, above)."
                    : "sessions already open keep theirs.") + " Its log lines go to that JVM's stderr (or log.file).");
            return Cli.OK;
        }
        after.print(pid, out);
        StringBuilder why = new StringBuilder("NOT protected with ").append(with).append(": ");
        if (!after.active()) {
            why.append("the agent in ").append(pid).append(" reports state ").append(Log.escapeLine(after.state()));
            String reason = after.text("StateReason");
            if (reason != null && !reason.isEmpty()) {
                why.append(" (").append(Log.escapeLine(reason)).append(')');
            }
        } else {
            why.append("the agent in ").append(pid).append(" is active with file ")
                    .append(after.configFile().isEmpty() ? "none" : Log.value(after.configFile()));
            if (before.present && after.text("State") == null) {
                why.append("; this agent version ignores a second attach (it keeps the file it started with):"
                        + " restart the JVM with -javaagent to change it");
            }
        }
        String reload = after.text("LastReload");
        if (reload != null && reload.contains("rejected")) {
            why.append("; last reload ").append(Log.escapeLine(reload));
        }
        err.println("lifeline: " + why + "; see that JVM's stderr (or log.file)");
        return Cli.INVALID;
    }
}
