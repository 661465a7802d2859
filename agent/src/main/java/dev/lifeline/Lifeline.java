package dev.lifeline;

import dev.lifeline.config.Config;
import dev.lifeline.config.ConfigError;
import dev.lifeline.config.Mode;
import dev.lifeline.instrument.Installer;
import dev.lifeline.report.Log;

import java.lang.instrument.Instrumentation;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The agent's runtime, once per JVM. Holds the active configuration that advice reads through the per-library helpers.
 */
public final class Lifeline {
    /** Exit status when {@code failOnConfigError=true} and the configuration is invalid (sysexits EX_CONFIG). */
    public static final int EXIT_CONFIG_ERROR = 78;

    private static final AtomicBoolean STARTED = new AtomicBoolean();
    private static volatile Config config = Config.defaults();
    private static volatile boolean active;

    private Lifeline() {
    }

    /** @return 0 to let the JVM go on, or the exit status the operator asked for on a bad configuration */
    public static int start(String agentArgs, Instrumentation inst, boolean dynamicAttach) {
        if (!STARTED.compareAndSet(false, true)) {
            Log.info("agent.already-running", "action", "ignored second start");
            return 0;
        }
        Config loaded = Config.load(agentArgs, lifelineSystemProperties(), System.getenv());
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
        config = loaded;
        Log.info("agent.started", "version", version(), "mode", loaded.mode().name().toLowerCase(),
                "file", loaded.file() == null ? "none" : loaded.file(), "rules", loaded.ruleCount(),
                "attach", dynamicAttach);
        if (loaded.mode() == Mode.OFF) {
            return 0; // kill switch: nothing is instrumented at all
        }
        active = true;
        try {
            Installer.install(inst, dynamicAttach);
        } catch (Throwable t) {
            active = false;
            Log.error("agent.install-failed", "error", t, "action", "application continues unprotected");
            return loaded.failOnConfigError() && !dynamicAttach ? EXIT_CONFIG_ERROR : 0;
        }
        return 0;
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
