package dev.lifeline;

import dev.lifeline.config.Config;
import dev.lifeline.config.FileWatch;
import dev.lifeline.config.ConfigError;
import dev.lifeline.config.ConfigWarning;
import dev.lifeline.config.FilePermissions;
import dev.lifeline.config.Key;
import dev.lifeline.config.Mode;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.enforce.ExecDeadline;
import dev.lifeline.instrument.Installer;
import dev.lifeline.policy.Policies;
import dev.lifeline.report.AgentMBean;
import dev.lifeline.report.Counters;
import dev.lifeline.report.Faults;
import dev.lifeline.report.Jmx;
import dev.lifeline.report.Log;
import dev.lifeline.sessions.SshSessions;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The agent's runtime, once per JVM. Holds the active configuration, which library hooks reach through {@link Policies}.
 * The configuration is one immutable {@link Config} in a volatile field: a reload or {@code setMode} (JMX) builds a new
 * one and swaps it in, so a session sees either the old or the new configuration, never a mix; sessions already
 * configured keep what they got.
 *
 * <p>Reading the file never happens under {@link #CHANGE}, the lock {@code setMode}, the JMX view and deadlines may
 * need: a reload loads and parses first (serialised with other reloads by {@code Reload.RELOAD} only), then swaps the result
 * in under {@code CHANGE}. The file is watched on its own thread ({@code lifeline-config}, see {@link FileWatch}), so a
 * file that blocks its reader (a FIFO) holds up that thread and nothing else.
 *
 * <p>States: {@code active} (a valid configuration, instrumentation installed, mode not off), {@code off} (valid, mode
 * off) and {@code disabled} (no valid configuration yet, or instrumentation failed). A JVM started with an invalid file
 * keeps watching it and becomes active when it turns valid ({@code agent.enabled}).
 */
public final class Lifeline {
    /** Exit status when {@code failOnConfigError=true} and the configuration is invalid (sysexits EX_CONFIG). */
    public static final int EXIT_CONFIG_ERROR = 78;
    /** How long a reload waits for another one still reading the file. */
    static final long RELOAD_WAIT_MILLIS = 5000;
    /** How long start-up, a JMX reload or an attach waits for the file to be read (on a lifeline-config thread). */
    static final long LOAD_WAIT_MILLIS = 5000;
    /** A load that did not finish in time (a FIFO, a hung file system): no other is started while it hangs. */
    private static volatile Thread stuckLoad;

    /** Guarded by CHANGE (not an AtomicBoolean: its VarHandle set-up costs milliseconds of premain, interpreted). */
    private static boolean started;
    private static volatile Config config = Config.defaults();
    private static volatile boolean active;
    /** Serialises configuration swaps (reload, setMode, attach) so none is lost. Never held during file I/O. */
    private static final Object CHANGE = new Object();
    /**
     * Serialises reloads among themselves (held while the file is read, so never needed by setMode or JMX reads). In a
     * holder: premain never reloads, and a ReentrantLock loads AbstractQueuedSynchronizer and its nodes.
     */
    private static final class Reload {
        static final ReentrantLock RELOAD = new ReentrantLock();
    }
    // what start() was given, for a reload and for installing late (started with mode=off, changed later)
    private static volatile String startArgs;
    private static Instrumentation instrumentation;
    private static boolean dynamicAttachAtStart;
    /** A valid configuration was applied (state active or off). Guarded by CHANGE for writes. */
    private static volatile boolean running;
    private static boolean installed;
    private static boolean jmxStarted;
    /** Set when premain deferred the start ({@link DeferredStart}): it takes the transformer and registers JMX. */
    private static DeferredStart deferred;
    /** A valid configuration premain read and left for {@link DeferredStart} to apply, with its file's baseline. Guarded by CHANGE. */
    private static Config prepared;
    private static FileWatch.Stamp preparedBaseline;
    private static FileWatch watch;
    /** Why the agent is disabled ("" when it is not), its configuration errors one per line, the last change's result. */
    private static volatile String disabledReason = "not started";
    private static volatile String configErrors = "";
    /** The warnings of the last configuration read (premain, reload, attach), as {@link #logNewWarnings} logged them. */
    private static volatile Set<String> warned = Collections.emptySet();
    private static volatile String lastReload = "";
    private static volatile String configFile;
    /** agent.started has been logged (at the first SSH library class). Guarded by ANNOUNCE, not CHANGE: it is taken
     * inside class loading, where waiting for a lock held around instrumentation could deadlock. */
    private static boolean announced;
    private static final Object ANNOUNCE = new Object();

    /**
     * The one way library code reaches the active configuration, registered by {@link #install} (until then Lifeline
     * is inactive, which a missing source means too): premain with a valid file loads neither it nor {@link Policies}.
     */
    private static final class Source implements Policies.Source {
        /** Here, not in Lifeline: verifying that call would load Policies.Source with Lifeline, in premain. */
        static void register() {
            Policies.use(new Source());
        }

        @Override
        public Config config() {
            return config;
        }

        @Override
        public boolean active() {
            return active;
        }
    }

    private Lifeline() {
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
    static int startInPremain(String agentArgs, Instrumentation inst) {
        return start(agentArgs, inst, false, true);
    }

    private static int start(String agentArgs, Instrumentation inst, boolean dynamicAttach, boolean mayDefer) {
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
            configFile = Config.fileOf(agentArgs);
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
            Log.warn("agent.disabled", "reason", "invalid configuration", "errors", loaded.errors().size(),
                    "action", "application runs unprotected until the file is valid (it is watched); "
                            + "check it with: java -jar lifeline-agent.jar check FILE");
            watch(configFile, baseline != null ? baseline : FileWatch.baselineAfter(loaded),
                    loaded.reloadIntervalMillis());
            startJmx(loaded); // the errors leave jmx.* at their defaults unless their own lines were valid
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
            FilePermissions.warnIfOthersCanWrite(loaded.file()); // before main, as the errors
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
    private static int finishStart(Config loaded, FileWatch.Stamp baseline, Instrumentation inst, boolean dynamicAttach) {
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
        watch(loaded.file(), baseline, loaded.reloadIntervalMillis());
        startJmx(loaded);
        if (loaded.mode() == Mode.OFF) {
            announceOnly(inst);
            return 0; // kill switch: nothing is instrumented at all (until a reload or setMode turns it on)
        }
        synchronized (CHANGE) {
            if (!install(inst, dynamicAttach)) {
                return loaded.failOnConfigError() && !dynamicAttach ? EXIT_CONFIG_ERROR : 0;
            }
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

    /** {@link DeferredStart}'s {@code lifeline-jmx} thread, after the delay and the start. */
    static void registerJmxDeferred() {
        Config c = config;
        if (running && c.jmxEnabled()) {
            Jmx.registerOnPlatformServer(View.RUNTIME, c.jmxWritable());
        }
    }

    /**
     * {@link Config#load}; when the file is not a regular file, on a {@code lifeline-config} thread, waited for at most
     * {@link #LOAD_WAIT_MILLIS}, so that a file that blocks its reader (a FIFO or a device put in its place) can block
     * that thread only, never start-up, a JMX call or an attach. On the watch thread (already {@code lifeline-config})
     * it loads inline.
     *
     * @return null when the file could not be read in time
     */
    private static Config loadBounded(final String args) {
        final Map<String, String> props = lifelineSystemProperties();
        final Map<String, String> env = System.getenv();
        String file = Config.fileOf(args);
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

    private static String unreadableMessage(String agentArgs) {
        return "the configuration file " + FileWatch.fileOf(agentArgs) + " could not be read within "
                + LOAD_WAIT_MILLIS / 1000 + " s (a FIFO, or a hung file system?)";
    }

    /** Start-up could not read the file in time: the JVM goes on, disabled, and the file is watched. */
    private static int unreadableAtStart(String agentArgs, FileWatch.Stamp baseline) {
        String why = unreadableMessage(agentArgs);
        disabledReason = why;
        configErrors = why;
        Faults.init();
        Log.error("config.unreadable", "file", configFile, "reason", why);
        Log.warn("agent.disabled", "reason", "configuration file unreadable", "action",
                "application runs unprotected until the file can be read and is valid (it is watched)");
        Config defaults = Config.defaults();
        watch(configFile, baseline, defaults.reloadIntervalMillis());
        startJmx(defaults);
        announceOnly(instrumentation);
        return 0;
    }

    /** Not instrumenting (off, disabled): the start line and uncovered libraries are still reported. */
    private static void announceOnly(Instrumentation inst) {
        if (inst == null) {
            return;
        }
        try {
            DeferredStart d;
            synchronized (CHANGE) {
                d = deferred;
            }
            if (d != null) {
                d.use(Installer.announcer());
            } else {
                Installer.announceOnly(inst);
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
    private static void startAgain(String agentArgs, boolean dynamicAttach) {
        if (!dynamicAttach) {
            Log.info("agent.already-running", "action", "ignored second -javaagent on the command line");
            return;
        }
        String previousMode = running ? config.mode().label() : "disabled";
        String previousFile = configFile == null ? "none" : configFile;
        String result = loadAndApply(agentArgs, "attach");
        // attach reads this to tell "switched" from a first start, whatever it saw before loading the agent
        lastReload = lastReload + " via=attach previous_file=" + previousFile;
        Jmx.registerNow();
        if (result.startsWith("ok")) {
            Log.info("agent.reconfigured", "via", "attach", "file", configFile == null ? "none" : configFile,
                    "previous_file", previousFile, "previous_mode", previousMode, "result", firstLine(result));
        } else {
            Log.warn("agent.attach-rejected", "file", FileWatch.fileOf(agentArgs) == null ? "none" : FileWatch.fileOf(agentArgs),
                    "reason", firstLine(result), "action", running ? "active configuration kept" : "agent stays disabled");
        }
    }

    /** Caller holds CHANGE. */
    private static boolean install(Instrumentation inst, boolean dynamicAttach) {
        Source.register();
        active = true;
        try {
            if (deferred != null && !installed) {
                deferred.use(Installer.transformer()); // its transformer is registered already
            } else {
                Installer.install(inst, dynamicAttach);
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

    private static void applyLogSettings(Config c) {
        Log.setLevel(c.logLevel());
        String file = c.logFile();
        if ((file != null && !file.isEmpty()) || Log.file() != null) { // stderr to stderr: nothing to change
            Log.useFile(file);
        }
    }

    /**
     * (Re)starts watching {@code file} from {@code baseline}; a watch of another file, or at another interval, ends
     * (when that is the calling watch thread itself, it ends once this reload returns).
     */
    private static void watch(String file, FileWatch.Stamp baseline, long intervalMillis) {
        FileWatch old;
        FileWatch next = null;
        synchronized (CHANGE) {
            old = watch;
            if (old == null && (file == null || file.isEmpty())) {
                return; // nothing watched, nothing to watch (FileWatch.start would do nothing)
            }
            if (old != null && file != null && old.path().equals(file) && old.intervalMillis() == intervalMillis) {
                return; // already watching it (its baseline moves on by itself)
            }
            watch = null;
        }
        if (old != null) {
            old.stop();
        }
        next = FileWatch.start(file, baseline, intervalMillis, new Runnable() {
            @Override
            public void run() {
                Log.info("config.file-changed", "file", configFile, "action", "reload");
                reload();
            }
        });
        synchronized (CHANGE) {
            watch = next;
        }
    }

    private static void startJmx(Config c) {
        synchronized (CHANGE) {
            if (jmxStarted || !c.jmxEnabled()) {
                return;
            }
            jmxStarted = true;
            if (deferred != null) {
                return; // its lifeline-jmx thread, started in premain, registers
            }
        }
        try {
            // on a daemon thread: see Jmx. Started here, so premain loads one small class, not Jmx and the view
            Thread t = new Thread(new JmxRegistration(c.jmxWritable()), "lifeline-jmx");
            t.setDaemon(true);
            t.start();
            if (dynamicAttachAtStart) {
                Jmx.registerNow(); // the JVM is past its start-up, and attach waits to read the state
            }
        } catch (Throwable t) {
            Log.warn("jmx.register-failed", "mbean", AgentMBean.OBJECT_NAME, "error", t, "action", "continuing without JMX");
        }
    }

    /**
     * Logs the warnings of a configuration just read that the previous read did not have: a reload says what the edit
     * brought (a rule that can never match), not again what stays (an unknown variable of the process).
     */
    private static void logNewWarnings(Config loaded) {
        Set<String> now = new HashSet<String>();
        for (ConfigWarning w : loaded.warnings()) {
            String text = w.toString();
            if (now.add(text) && !warned.contains(text)) {
                Log.warn(w.event(), "name", w.key(), "detail", text);
            }
        }
        warned = now;
    }

    /**
     * Re-reads the configuration with the layers given at start (agent argument and its file, environment, system
     * properties). A configuration with errors is rejected whole and the active one kept. A disabled agent becomes
     * active when the configuration is valid now.
     *
     * @return {@code ok: ...} or {@code rejected: ...} followed by one error per line
     */
    public static String reload() {
        return loadAndApply(null, "reload");
    }

    /** Loads {@code agentArgs} (null: those in use) outside CHANGE, then swaps the result in under it. */
    private static String loadAndApply(String agentArgs, String via) {
        boolean locked;
        try {
            locked = Reload.RELOAD.tryLock(RELOAD_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            locked = false;
        }
        if (!locked) {
            Log.warn("config.reload-rejected", "via", via, "reason", "another reload is still reading the file",
                    "action", "active configuration kept");
            return recordResult("rejected: another reload is still reading the configuration file; try again later");
        }
        try {
            String args = agentArgs == null ? startArgs : agentArgs;
            String file = FileWatch.fileOf(args);
            FileWatch.Stamp baseline = FileWatch.stamp(file); // before loading: see FileWatch
            Config loaded = loadBounded(args); // the I/O: no lock held, and on a lifeline-config thread
            if (loaded == null) {
                String why = unreadableMessage(args);
                Log.error("config.unreadable", "file", file, "reason", why);
                if (agentArgs == null) {
                    Log.warn("config.reload-rejected", "errors", 1,
                            "action", running ? "active configuration kept" : "agent stays disabled", "via", via);
                }
                return recordResult("rejected: " + why + (running ? "; the active configuration is kept"
                        : "; the agent stays disabled"));
            }
            logNewWarnings(loaded); // a rule added to the file that can never match is said at its reload too
            if (!loaded.errors().isEmpty()) {
                StringBuilder result = new StringBuilder("rejected: ").append(count(loaded.errors()))
                        .append(running ? "; the active configuration is kept" : "; the agent stays disabled");
                for (ConfigError e : loaded.errors()) {
                    Log.error("config.invalid", "detail", e.toString());
                    result.append('\n').append(e);
                }
                if (!running && agentArgs == null) {
                    disabledReason = "invalid configuration: " + count(loaded.errors());
                    configErrors = joinErrors(loaded.errors());
                }
                if (agentArgs == null) { // an attach says it in its own line (agent.attach-rejected)
                    Log.warn("config.reload-rejected", "errors", loaded.errors().size(),
                            "action", running ? "active configuration kept" : "agent stays disabled", "via", via);
                }
                return recordResult(result.toString());
            }
            applyLogSettings(loaded); // may open a file: before CHANGE
            String result;
            boolean enabled;
            synchronized (CHANGE) {
                enabled = !running;
                startArgs = args;
                configFile = loaded.file() != null ? loaded.file() : file;
                result = replace(loaded, via);
                if (enabled) {
                    running = true;
                    configErrors = "";
                    if (loaded.mode() == Mode.OFF || active) {
                        disabledReason = "";
                    }
                }
            }
            if (enabled && !via.equals("attach")) {
                Log.info("agent.enabled", "via", via, "mode", loaded.mode().label(),
                        "file", loaded.file() == null ? "none" : loaded.file(), "rules", loaded.ruleCount(),
                        "previous_mode", "disabled", "result", result);
            }
            watch(loaded.file(), baseline, loaded.reloadIntervalMillis()); // the file or its interval may be new
            if (agentArgs != null) {
                FilePermissions.warnIfOthersCanWrite(loaded.file());
            }
            startJmx(loaded);
            return recordResult(result);
        } finally {
            Reload.RELOAD.unlock();
        }
    }

    /** Changes the global mode until the next reload; host rules that set their own mode keep it (but off wins). */
    public static String setMode(String mode) {
        synchronized (CHANGE) {
            if (!running) {
                Log.warn("config.change-rejected", "via", "setMode", "detail", "agent disabled: " + disabledReason);
                return recordResult("rejected: the agent is disabled (" + disabledReason
                        + "); fix the file, it is applied when valid");
            }
            Config changed;
            try {
                changed = config.withGlobal(Key.MODE, mode, "JMX setMode");
            } catch (IllegalArgumentException e) {
                Log.warn("config.change-rejected", "via", "setMode", "detail", e.getMessage());
                return recordResult("rejected: " + e.getMessage());
            }
            return recordResult(replace(changed, "setMode"));
        }
    }

    /** Caller holds CHANGE. */
    private static String replace(Config next, String via) {
        Config previous = config;
        boolean wasRunning = running;
        config = next;
        SshSessions.watchdogThreshold(next.watchdogThresholdMillis());
        String note = "";
        if (next.mode() != Mode.OFF && !installed && instrumentation != null) {
            // started with mode=off or disabled: instrument now, as a dynamic attach does (loaded classes are retransformed)
            note = install(instrumentation, true) ? "; instrumentation installed now" : "; instrumentation failed (see log)";
        }
        Jmx.configReplaced(next);
        // one line per change: an attach says it as agent.reconfigured, a disabled agent turning on as agent.enabled
        if (wasRunning && !via.equals("attach")) {
            Log.info("config.replaced", "via", via, "mode", next.mode().label(), "previous_mode", previous.mode().label(),
                    "file", next.file() == null ? "none" : next.file(), "rules", next.ruleCount());
        }
        if (wasRunning && !via.equals("setMode")) {
            logReverted(previous, next);
        }
        return "ok: mode=" + next.mode().label() + " file=" + (next.file() == null ? "none" : next.file()) + " rules="
                + next.ruleCount() + note;
    }

    /**
     * A setting that was set (file, environment, ...) and is back at its default now: one warn line each; likewise a
     * host rule that is gone (its hosts fall back to the global settings).
     */
    static void logReverted(Config previous, Config next) {
        java.util.Set<String> kept = new java.util.HashSet<String>();
        for (dev.lifeline.config.HostRule r : next.rules()) {
            kept.add(r.name());
        }
        for (dev.lifeline.config.HostRule r : previous.rules()) {
            if (!kept.contains(r.name())) {
                Log.warn("config.rule-removed", "rule", r.name(), "match", r.match(),
                        "action", "its hosts get the global settings");
            }
        }
        for (Key k : Key.all().values()) {
            String was = previous.globalSource(k.name);
            if (!"default".equals(was) && "default".equals(next.globalSource(k.name))) {
                String from = previous.globalValue(k.name);
                String to = next.globalValue(k.name);
                if (from != null && !from.equals(to)) {
                    Log.warn("config.reverted", "key", k.name, "from", from, "to", to, "source", "default",
                            "was_from", was);
                }
            }
        }
    }

    /**
     * The first class of an SSH library Lifeline covers was loaded: logs {@code agent.started} once per JVM (with the
     * library and its version), so a JVM that never loads one (javac, jcmd, build tools under
     * {@code JAVA_TOOL_OPTIONS}) prints nothing at {@code info}. Called from the class file transformer; never throws.
     */
    public static void sshLibrarySeen(String library, String version) {
        try {
            synchronized (ANNOUNCE) {
                if (announced) {
                    return;
                }
                announced = true;
            }
            Config c = config;
            boolean configured = running;
            String file = configFile;
            Log.info("agent.started", "version", version(), "mode", configured ? c.mode().label() : "off",
                    "file", file == null ? "none" : file, "rules", configured ? c.ruleCount() : 0,
                    "jdk", System.getProperty("java.version"), "attach", dynamicAttachAtStart,
                    "library", library, "library_version", version == null ? "unknown" : version, "state", state());
        } catch (Throwable ignored) {
            // runs inside class loading of the application: nothing may escape
        }
    }

    private static String recordResult(String result) {
        lastReload = java.time.Instant.now().toString() + " " + result;
        return result;
    }

    private static String count(List<ConfigError> errors) {
        return errors.size() + (errors.size() == 1 ? " error" : " errors");
    }

    private static String joinErrors(List<ConfigError> errors) {
        StringBuilder b = new StringBuilder();
        for (ConfigError e : errors) {
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append(e);
        }
        return b.toString();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    public static Config config() {
        return config;
    }

    /** False when the agent runs but must change nothing (invalid configuration, never started). */
    public static boolean active() {
        return active;
    }

    /** {@code active}, {@code off} or {@code disabled}. */
    public static String state() {
        if (!running || (!active && config.mode() != Mode.OFF)) {
            return "disabled";
        }
        return config.mode() == Mode.OFF ? "off" : "active";
    }

    /** Registers the JMX view ({@link Jmx#registerOnPlatformServer}), on the {@code lifeline-jmx} thread. */
    private static final class JmxRegistration implements Runnable {
        private final boolean writable;

        JmxRegistration(boolean writable) {
            this.writable = writable;
        }

        @Override
        public void run() {
            if (dev.lifeline.report.JmxDelay.await()) { // Jmx and the view's classes are loaded after the delay
                Jmx.registerOnPlatformServer(View.RUNTIME, writable);
            }
        }
    }

    /** In a holder of its own: premain does not load the view (AgentMBean.Runtime and its class). */
    private static final class View {
        /** What the JMX view reads and changes. */
        static final AgentMBean.Runtime RUNTIME = new AgentMBean.Runtime() {
            @Override
            public Config config() {
                return Lifeline.config();
            }

            @Override
            public boolean active() {
                return Lifeline.active() && Lifeline.config().mode() != Mode.OFF;
            }

            @Override
            public String version() {
                return Lifeline.version();
            }

            @Override
            public int pendingDeadlines() {
                return DeadlineScheduler.pending();
            }

            @Override
            public int watchedExecChannels() {
                return ExecDeadline.watched();
            }

            @Override
            public String reload() {
                return Lifeline.reload();
            }

            @Override
            public String setMode(String mode) {
                return Lifeline.setMode(mode);
            }

            @Override
            public String state() {
                return Lifeline.state();
            }

            @Override
            public String stateReason() {
                return "disabled".equals(Lifeline.state()) ? disabledReason : "";
            }

            @Override
            public String configErrors() {
                return running ? "" : configErrors;
            }

            @Override
            public String lastReload() {
                return lastReload;
            }

            @Override
            public boolean configured() {
                return running;
            }

            @Override
            public String configFile() {
                String f = configFile;
                return f == null ? "" : f;
            }
        };
    }

    public static String version() {
        Package p = Lifeline.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static Map<String, String> lifelineSystemProperties() {
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
