package dev.lifeline.runtime;

import dev.lifeline.jmx.Jmx;
import dev.lifeline.config.AgentArgument;
import dev.lifeline.config.Config;
import dev.lifeline.config.ConfigFile;
import dev.lifeline.config.FileWatch;
import dev.lifeline.config.ConfigError;
import dev.lifeline.config.ConfigWarning;
import dev.lifeline.config.Mode;
import dev.lifeline.instrument.Installer;
import dev.lifeline.instrument.ModuleAccess;
import dev.lifeline.report.Counters;
import dev.lifeline.report.Faults;
import dev.lifeline.report.Log;
import dev.lifeline.sessions.SshSessions;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import static dev.lifeline.runtime.AgentState.*;

/**
 * Start-up, once per JVM: premain (with a configuration read and checked before {@code main}), a deferred start
 * ({@link DeferredStart}), an attach, and a second start in the same JVM. Reading the file is bounded
 * ({@link #loadBounded}): a file that blocks its reader (a FIFO) holds up a {@code lifeline-config} thread, never
 * start-up. A JVM started with an invalid file keeps watching it and becomes active when it turns valid.
 */
public final class Startup {
    /** Exit status when {@code failOnConfigError=true} and the configuration is invalid (sysexits EX_CONFIG). */
    public static final int EXIT_CONFIG_ERROR = 78;
    /** How long start-up, a JMX reload or an attach waits for the file to be read (on a lifeline-config thread). */
    static final long LOAD_WAIT_MILLIS = 5000;
    /** A load that did not finish in time (a FIFO, a hung file system): no other is started while it hangs. */
    private static volatile Thread stuckLoad;

    private Startup() {
    }

    /** The covered libraries' instrumentation ({@link StartAnnouncement#installer}: not verified with this class). */
    private static Installer installer() {
        return StartAnnouncement.installer();
    }

    /** @return 0 to let the JVM go on, or the exit status the operator asked for on a bad configuration */
    public static int start(String agentArgs, Instrumentation inst, boolean dynamicAttach) {
        return start(agentArgs, inst, dynamicAttach, false);
    }

    /**
     * premain with a configuration (issue 14): reads and validates it now (its warnings and errors print before
     * {@code main}, {@code failOnConfigError=true} exits before it), and when it is valid leaves the rest (watching the
     * file, JMX, the transformer's modules) to {@link DeferredStart}: the first SSH class or the end of the JMX delay.
     */
    public static int startInPremain(String agentArgs, Instrumentation inst) {
        return start(agentArgs, inst, false, true);
    }

    static int start(String agentArgs, Instrumentation inst, boolean dynamicAttach, boolean mayDefer) {
        boolean again;
        synchronized (CHANGE) {
            again = started;
            started = true;
        }
        if (again) {
            startAgain(agentArgs, dynamicAttach);
            return 0;
        }
        synchronized (CHANGE) {
            startArgs = agentArgs;
            instrumentation = inst;
            dynamicAttachAtStart = dynamicAttach;
            configFile = AgentArgument.fileOf(agentArgs);
        }
        // before loading (see FileWatch), except for a regular file: its baseline comes from the bytes parsed
        // (FileWatch.baselineAfter), after main has begun when the start is deferred; no FileWatch loaded in premain
        boolean readFirst = configFile == null || new File(configFile).isFile();
        FileWatch.Stamp baseline = readFirst ? null : FileWatch.stamp(configFile);
        Config loaded = loadBounded(agentArgs);
        if (loaded == null) {
            return unreadableAtStart(agentArgs, baseline);
        }
        // the log settings apply even when other lines are invalid: the errors below must reach the chosen file
        if (loaded.logLevel() != Log.Level.INFO || !loaded.logFile().isEmpty()) { // else Log's own start values
            applyLogSettings(loaded); // (premain does not load Log unless it has a line to write)
        }
        if (System.getProperty(Faults.PROPERTY) != null) { // a constant: Faults itself is not loaded in premain
            Faults.init(); // test-only switch, read once here
        }
        logNewWarnings(loaded); // ignored, never disabling: logged whether or not there are errors
        if (loaded.file() != null) {
            configFile = loaded.file();
        }
        if (!loaded.errors().isEmpty()) {
            for (ConfigError e : loaded.errors()) {
                Log.error("config.invalid", "detail", e.toString());
            }
            if (loaded.failOnConfigError() && !dynamicAttach) {
                Log.error("agent.abort", "reason", "invalid configuration and failOnConfigError=true",
                        "errors", loaded.errors().size(), "exit", EXIT_CONFIG_ERROR);
                return EXIT_CONFIG_ERROR;
            }
            disabledReason = "invalid configuration: " + count(loaded.errors());
            configErrors = joinErrors(loaded.errors());
            System.setProperty(LOADED_PROPERTY, "disabled"); // status, before the MBean registers: not "starting"
            Log.warn("agent.disabled", "reason", "invalid configuration", "errors", loaded.errors().size(),
                    "action", disabledAction(loaded));
            Reconfiguration.watch(configFile, baseline != null ? baseline : FileWatch.baselineAfter(loaded),
                    loaded.reloadIntervalMillis());
            JmxControl.startJmx(loaded); // the errors leave jmx.* at their defaults unless their own lines were valid
            announceOnly(inst);
            return 0;
        }
        // agent.started waits for the first SSH library class (sshLibrarySeen): a JVM without one prints nothing at info
        if (loaded.logLevel() == Log.Level.DEBUG) { // version() reads the jar manifest: not for a line nobody sees
            Log.debug("agent.loaded", "version", version(), "mode", loaded.mode().label(),
                    "file", loaded.file() == null ? "none" : loaded.file(), "rules", loaded.ruleCount(),
                    "jdk", System.getProperty("java.version"), "attach", dynamicAttach);
        }
        if (loaded.file() != null) {
            ConfigFile.warnIfOthersCanWrite(loaded.file()); // before main, as the errors
        }
        if (mayDefer && !loaded.failOnConfigError()) { // failOnConfigError: an install failure still exits before main
            synchronized (CHANGE) {
                prepared = loaded;
                preparedBaseline = baseline;
            }
            DeferredStart.install(agentArgs, inst);
            return 0;
        }
        return finishStart(loaded, baseline, inst, dynamicAttach);
    }

    /** The valid configuration {@code loaded} goes live: watched, JMX, instrumentation (unless mode=off). */
    static int finishStart(Config loaded, FileWatch.Stamp baseline, Instrumentation inst, boolean dynamicAttach) {
        synchronized (CHANGE) {
            running = true;
            disabledReason = "";
            config = loaded;
        }
        if (loaded.watchdogThresholdMillis() != 0) { // 0 is the watchdog's own start value: premain loads no sessions/
            SshSessions.watchdogThreshold(loaded.watchdogThresholdMillis());
        }
        if (baseline == null && loaded.file() != null) {
            baseline = FileWatch.baselineAfter(loaded); // a regular file, read without a stamp first (start)
        }
        Reconfiguration.watch(loaded.file(), baseline, loaded.reloadIntervalMillis());
        JmxControl.startJmx(loaded);
        if (loaded.mode() == Mode.OFF) {
            announceOnly(inst);
            return 0; // kill switch: nothing is instrumented at all (until a reload or setMode turns it on)
        }
        synchronized (CHANGE) {
            if (!install(inst, dynamicAttach)) {
                return loaded.failOnConfigError() && !dynamicAttach ? EXIT_CONFIG_ERROR : 0;
            }
        }
        if (dynamicAttach) {
            OpenAtAttach.protect("attach"); // after the hooks are in the loaded classes (issue 24)
        }
        return 0;
    }

    /** {@link DeferredStart}: the start premain left for later, with what premain was given. */
    static int startDeferred(String agentArgs, Instrumentation inst, DeferredStart d) {
        Config p;
        FileWatch.Stamp b;
        synchronized (CHANGE) {
            deferred = d;
            p = prepared;
            b = preparedBaseline;
            prepared = null;
            preparedBaseline = null;
        }
        if (p != null) {
            return finishStart(p, b, inst, false); // premain read and validated it (startInPremain)
        }
        return start(agentArgs, inst, false);
    }

    /**
     * {@link Config#load}; when the file is not a regular file, on a {@code lifeline-config} thread, waited for at most
     * {@link #LOAD_WAIT_MILLIS}, so that a file that blocks its reader (a FIFO or a device put in its place) can block
     * that thread only, never start-up, a JMX call or an attach. On the watch thread (already {@code lifeline-config})
     * it loads inline.
     *
     * @return null when the file could not be read in time
     */
    static Config loadBounded(final String args) {
        final Map<String, String> props = lifelineSystemProperties();
        final Map<String, String> env = System.getenv();
        String file = AgentArgument.fileOf(args);
        // File.isFile is a stat, which opens nothing; a regular file is read here (a thread costs premain 0.5-1 ms)
        if (file == null || new File(file).isFile() || Thread.currentThread().getName().equals("lifeline-config")) {
            return Config.load(args, props, env); // no file, a regular one, or already on the thread that may block
        }
        Thread previous = stuckLoad;
        if (previous != null && previous.isAlive()) {
            return null; // still hanging: no second thread for the same trouble
        }
        final Config[] out = new Config[1];
        Thread t = new Thread(new Runnable() { // no lambda: its bootstrap costs premain milliseconds
            @Override
            public void run() {
                out[0] = Config.load(args, props, env);
            }
        }, "lifeline-config");
        t.setDaemon(true);
        t.start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOAD_WAIT_MILLIS);
        boolean interrupted = false;
        while (t.isAlive()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            stuckLoad = t;
            Counters.increment(Counters.Counter.INTERNAL_ERRORS);
            return null;
        }
        return out[0]; // join: the write is visible
    }

    static String unreadableMessage(String agentArgs) {
        return "the configuration file " + Log.value(AgentArgument.fileOf(agentArgs)) + " could not be read within "
                + LOAD_WAIT_MILLIS / 1000 + " s (a FIFO, or a hung file system?)";
    }

    /** Start-up could not read the file in time: the JVM goes on, disabled, and the file is watched. */
    static int unreadableAtStart(String agentArgs, FileWatch.Stamp baseline) {
        String why = unreadableMessage(agentArgs);
        disabledReason = why;
        System.setProperty(LOADED_PROPERTY, "disabled");
        configErrors = why;
        Faults.init();
        Log.error("config.unreadable", "file", configFile, "reason", why);
        Log.warn("agent.disabled", "reason", "configuration file unreadable", "action",
                "application runs unprotected until the file can be read and is valid (it is watched)");
        Config defaults = Config.defaults();
        Reconfiguration.watch(configFile, baseline, defaults.reloadIntervalMillis());
        JmxControl.startJmx(defaults);
        announceOnly(instrumentation);
        return 0;
    }

    /**
     * What an operator must do about the errors: a file is watched and applied once valid; an environment variable, a
     * system property or the agent argument is read at start only, so that one needs a restart.
     */
    static String disabledAction(Config loaded) {
        boolean inFile = false;
        Set<String> outside = new java.util.LinkedHashSet<String>();
        for (ConfigError e : loaded.errors()) {
            if (e.file() != null) {
                inFile = true;
            } else {
                String s = e.toString();
                int colon = s.indexOf(": ");
                outside.add(colon > 0 ? s.substring(0, colon) : "the agent argument");
            }
        }
        if (outside.isEmpty()) {
            return "application runs unprotected until the file is valid (it is watched); "
                    + "check it with: java -jar lifeline-agent.jar check FILE";
        }
        StringBuilder b = new StringBuilder("application runs unprotected until the JVM is restarted with a valid ");
        String sep = "";
        for (String o : outside) {
            b.append(sep).append(o);
            sep = ", ";
        }
        b.append(" (read at start only)");
        if (inFile) {
            b.append(" and the file is valid (it is watched)");
        }
        return b.toString();
    }

    /** Not instrumenting (off, disabled): the start line and uncovered libraries are still reported. */
    static void announceOnly(Instrumentation inst) {
        if (inst == null) {
            return;
        }
        try {
            DeferredStart d;
            synchronized (CHANGE) {
                d = deferred;
            }
            if (d != null) {
                d.use(installer().announcer());
            } else {
                installer().announceOnly(inst);
            }
        } catch (Throwable t) {
            Counters.increment(Counters.Counter.INTERNAL_ERRORS);
            Log.warn("agent.announce-failed", "error", t);
        }
    }

    /**
     * A second start in the same JVM: {@code java -jar lifeline-agent.jar attach PID FILE} into a JVM where Lifeline
     * already runs (or the agent given twice on the command line). A valid new configuration replaces the active one
     * (and activates a disabled agent); an invalid one is rejected and the active configuration kept.
     */
    static void startAgain(String agentArgs, boolean dynamicAttach) {
        if (!dynamicAttach) {
            Log.info("agent.already-running", "action", "ignored second -javaagent on the command line");
            return;
        }
        if (agentArgs == null || agentArgs.trim().isEmpty()) {
            // an attach without a file (an older CLI, jcmd JVMTI.agent_load): the running settings stay as they are
            Jmx.registerNow();
            Log.info("agent.already-running", "via", "attach", "action",
                    "kept its configuration (an attach without a file changes nothing; attach PID FILE does)");
            return;
        }
        String previousMode = running ? config.mode().label() : "disabled";
        String previousFile = configFile == null ? "none" : configFile;
        String result = Reconfiguration.loadAndApply(agentArgs, "attach");
        // attach reads this to tell "switched" from a first start, whatever it saw before loading the agent
        lastReload = lastReload + " via=attach previous_file=" + Log.value(previousFile);
        Jmx.registerNow();
        if (result.startsWith("ok")) {
            Log.info("agent.reconfigured", "via", "attach", "file", configFile == null ? "none" : configFile,
                    "previous_file", previousFile, "previous_mode", previousMode, "result", firstLine(result));
            OpenAtAttach.protect("attach-again"); // sessions opened while it was off or disabled (issue 24)
        } else {
            Log.warn("agent.attach-rejected", "file", AgentArgument.fileOf(agentArgs) == null ? "none" : AgentArgument.fileOf(agentArgs),
                    "reason", firstLine(result), "action", running ? "active configuration kept" : "agent stays disabled");
        }
    }

    /** {@link dev.lifeline.instrument.Installer#noticeLoaded}, once, on the lifeline-jmx thread of a deferred start. */
    static void noticeLoadedClasses(Instrumentation inst) {
        try {
            installer().noticeLoaded(inst);
        } catch (Throwable t) {
            Counters.increment(Counters.Counter.INTERNAL_ERRORS);
            Log.warn("agent.announce-failed", "error", t);
        }
    }

    /** Caller holds CHANGE. */
    static boolean install(Instrumentation inst, boolean dynamicAttach) {
        Source.register();
        active = true;
        ModuleAccess.use(inst); // named modules: packages opened as needed; isolated loaders: BootBridge appends with it
        try {
            if (deferred != null && !installed) {
                java.lang.instrument.ClassFileTransformer t = installer().transformer();
                deferred.use(t); // its transformer is registered already
                if (dynamicAttach) { // turned on later (from mode=off): classes loaded meanwhile woven as at an attach
                    installer().retransformLoaded(inst, t);
                }
            } else {
                installer().install(inst, dynamicAttach);
            }
            installed = true;
            return true;
        } catch (Throwable t) {
            active = false;
            disabledReason = "instrumentation failed: " + t;
            Log.error("agent.install-failed", "error", t, "action", "application continues unprotected");
            return false;
        }
    }

    static void applyLogSettings(Config c) {
        Log.setLevel(c.logLevel());
        String file = c.logFile();
        if ((file != null && !file.isEmpty()) || Log.file() != null) { // stderr to stderr: nothing to change
            Log.useFile(file);
        }
    }

    /**
     * Logs the warnings of a configuration just read that the previous read did not have: a reload says what the edit
     * brought (a rule that can never match), not again what stays (an unknown variable of the process).
     */
    static void logNewWarnings(Config loaded) {
        Set<String> now = new HashSet<String>();
        int logged = 0;
        int notLogged = 0;
        for (ConfigWarning w : loaded.warnings()) {
            String text = w.toString();
            if (now.add(text) && !warned.contains(text)) {
                if (logged < MAX_WARNINGS_LOGGED) {
                    logged++;
                    Log.warn(w.event(), "name", w.key(), "detail", text);
                } else {
                    notLogged++;
                }
            }
        }
        if (notLogged > 0) { // an application's own properties file given by mistake: hundreds of unknown keys
            Log.warn("config.warnings-not-logged", "count", notLogged, "logged", logged,
                    "action", "the rest not logged one by one; check FILE lists every one");
        }
        warned = now;
    }

    /** Warnings logged one line each per configuration read; the rest are counted in one line. */
    static final int MAX_WARNINGS_LOGGED = 50;

    static Map<String, String> lifelineSystemProperties() {
        Map<String, String> out = new HashMap<String, String>();
        Properties props = System.getProperties();
        for (Object name : props.keySet()) { // not stringPropertyNames(): its entry-set classes are not in CDS
            if (name instanceof String && ((String) name).startsWith("lifeline.")) {
                String value = props.getProperty((String) name);
                if (value != null) {
                    out.put((String) name, value);
                }
            }
        }
        return out;
    }
}
