package dev.lifeline;

import dev.lifeline.config.Config;
import dev.lifeline.config.FileWatch;
import dev.lifeline.config.ConfigError;
import dev.lifeline.config.FilePermissions;
import dev.lifeline.config.Key;
import dev.lifeline.config.Mode;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.enforce.ExecDeadline;
import dev.lifeline.instrument.Installer;
import dev.lifeline.policy.Policies;
import dev.lifeline.report.AgentMBean;
import dev.lifeline.report.Faults;
import dev.lifeline.report.Jmx;
import dev.lifeline.report.Log;

import java.lang.instrument.Instrumentation;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The agent's runtime, once per JVM. Holds the active configuration, which library hooks reach through {@link Policies}.
 * The configuration is one immutable {@link Config} in a volatile field: a reload or {@code setMode} (JMX) builds a new
 * one and swaps it in, so a session sees either the old or the new configuration, never a mix; sessions already
 * configured keep what they got.
 */
public final class Lifeline {
    /** Exit status when {@code failOnConfigError=true} and the configuration is invalid (sysexits EX_CONFIG). */
    public static final int EXIT_CONFIG_ERROR = 78;

    /** Guarded by CHANGE (not an AtomicBoolean: its VarHandle set-up costs milliseconds of premain, interpreted). */
    private static boolean started;
    private static volatile Config config = Config.defaults();
    private static volatile boolean active;
    /** Serialises configuration changes (reload, setMode) so none is lost. */
    private static final Object CHANGE = new Object();
    // what start() was given, for a reload and for installing late (started with mode=off, changed later)
    private static String startArgs;
    private static Instrumentation instrumentation;
    private static boolean running;
    private static boolean installed;

    static {
        Policies.use(new Policies.Source() { // the one way library code reaches the active configuration
            @Override
            public Config config() {
                return config;
            }

            @Override
            public boolean active() {
                return active;
            }
        });
    }

    private Lifeline() {
    }

    /** Stub until the start-up line change lands: the first class of a covered SSH library was loaded. */
    public static void sshLibrarySeen(String library, String version) {
    }

    /** @return 0 to let the JVM go on, or the exit status the operator asked for on a bad configuration */
    public static int start(String agentArgs, Instrumentation inst, boolean dynamicAttach) {
        boolean again;
        synchronized (CHANGE) {
            again = started;
            started = true;
        }
        if (again) {
            Log.info("agent.already-running", "action", "ignored second start");
            return 0;
        }
        Config loaded = Config.load(agentArgs, lifelineSystemProperties(), System.getenv());
        // the log settings apply even when other lines are invalid: the errors below must reach the chosen file
        applyLogSettings(loaded);
        Faults.init(); // test-only switch, read once here
        if (!loaded.errors().isEmpty()) {
            for (ConfigError e : loaded.errors()) {
                Log.error("config.invalid", "detail", e.toString());
            }
            if (loaded.failOnConfigError() && !dynamicAttach) {
                Log.error("agent.abort", "reason", "invalid configuration and failOnConfigError=true",
                        "errors", loaded.errors().size(), "exit", EXIT_CONFIG_ERROR);
                return EXIT_CONFIG_ERROR;
            }
            Log.warn("agent.disabled", "reason", "invalid configuration", "errors", loaded.errors().size(),
                    "action", "application runs unprotected; fix the file or run: java -jar lifeline-agent.jar check FILE");
            return 0;
        }
        synchronized (CHANGE) {
            startArgs = agentArgs;
            instrumentation = inst;
            running = true;
            config = loaded;
        }
        Log.info("agent.started", "version", version(), "mode", loaded.mode().label(),
                "file", loaded.file() == null ? "none" : loaded.file(), "rules", loaded.ruleCount(),
                "jdk", System.getProperty("java.version"), "attach", dynamicAttach);
        FilePermissions.warnIfOthersCanWrite(loaded.file());
        FileWatch.start(loaded.file(), loaded.reloadIntervalMillis(), new Runnable() {
            @Override
            public void run() {
                Log.info("config.file-changed", "file", config.file(), "action", "reload");
                reload();
            }
        });
        if (loaded.jmxEnabled()) {
            try {
                Jmx.startOnPlatformServer(RUNTIME, loaded.jmxWritable());
            } catch (Throwable t) {
                Log.warn("jmx.register-failed", "mbean", AgentMBean.OBJECT_NAME, "error", t, "action", "continuing without JMX");
            }
        }
        if (loaded.mode() == Mode.OFF) {
            return 0; // kill switch: nothing is instrumented at all (until a reload or setMode turns it on)
        }
        synchronized (CHANGE) {
            if (!install(inst, dynamicAttach)) {
                return loaded.failOnConfigError() && !dynamicAttach ? EXIT_CONFIG_ERROR : 0;
            }
        }
        return 0;
    }

    /** Caller holds CHANGE. */
    private static boolean install(Instrumentation inst, boolean dynamicAttach) {
        active = true;
        try {
            Installer.install(inst, dynamicAttach);
            installed = true;
            return true;
        } catch (Throwable t) {
            active = false;
            Log.error("agent.install-failed", "error", t, "action", "application continues unprotected");
            return false;
        }
    }

    private static void applyLogSettings(Config c) {
        Log.setLevel(c.logLevel());
        Log.useFile(c.logFile());
    }

    /**
     * Re-reads the configuration with the layers given at start (agent argument and its file, environment, system
     * properties). A configuration with errors is rejected whole and the active one kept.
     *
     * @return {@code ok: ...} or {@code rejected: ...} followed by one error per line
     */
    public static String reload() {
        synchronized (CHANGE) {
            if (!running) {
                return "rejected: the agent was not started with a valid configuration; nothing to reload";
            }
            Config loaded = Config.load(startArgs, lifelineSystemProperties(), System.getenv());
            if (!loaded.errors().isEmpty()) {
                StringBuilder result = new StringBuilder("rejected: ").append(loaded.errors().size())
                        .append(loaded.errors().size() == 1 ? " error" : " errors")
                        .append("; the active configuration is kept");
                for (ConfigError e : loaded.errors()) {
                    Log.error("config.invalid", "detail", e.toString());
                    result.append('\n').append(e);
                }
                Log.warn("config.reload-rejected", "errors", loaded.errors().size(), "action", "active configuration kept");
                return result.toString();
            }
            return replace(loaded, "reload");
        }
    }

    /** Changes the global mode until the next reload; host rules that set their own mode keep it (but off wins). */
    public static String setMode(String mode) {
        synchronized (CHANGE) {
            Config changed;
            try {
                changed = config.withGlobal(Key.MODE, mode, "JMX setMode");
            } catch (IllegalArgumentException e) {
                Log.warn("config.change-rejected", "via", "setMode", "detail", e.getMessage());
                return "rejected: " + e.getMessage();
            }
            return replace(changed, "setMode");
        }
    }

    /** Caller holds CHANGE. */
    private static String replace(Config next, String via) {
        Config previous = config;
        applyLogSettings(next);
        config = next;
        String note = "";
        if (next.mode() != Mode.OFF && !installed && instrumentation != null) {
            // started with mode=off: instrument now, as a dynamic attach does (classes already loaded are retransformed)
            note = install(instrumentation, true) ? "; instrumentation installed now" : "; instrumentation failed (see log)";
        }
        Jmx.configReplaced(next);
        Log.info("config.replaced", "via", via, "mode", next.mode().label(), "previous_mode", previous.mode().label(),
                "file", next.file() == null ? "none" : next.file(), "rules", next.ruleCount());
        return "ok: mode=" + next.mode().label() + " file=" + (next.file() == null ? "none" : next.file()) + " rules="
                + next.ruleCount() + note;
    }

    public static Config config() {
        return config;
    }

    /** False when the agent runs but must change nothing (invalid configuration, never started). */
    public static boolean active() {
        return active;
    }

    /** For in-process tests: install a configuration without an Instrumentation. */
    public static void useForTests(Config c) {
        config = c;
        active = c.mode() != Mode.OFF;
    }

    /** What the JMX view reads and changes. */
    private static final AgentMBean.Runtime RUNTIME = new AgentMBean.Runtime() {
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
    };

    public static String version() {
        Package p = Lifeline.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static Map<String, String> lifelineSystemProperties() {
        Map<String, String> out = new HashMap<String, String>();
        Properties props = System.getProperties();
        for (String name : props.stringPropertyNames()) {
            if (name.startsWith("lifeline.")) {
                out.put(name, props.getProperty(name));
            }
        }
        return out;
    }
}
