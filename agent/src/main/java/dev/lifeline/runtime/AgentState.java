package dev.lifeline.runtime;

import dev.lifeline.config.Config;
import dev.lifeline.config.FileWatch;
import dev.lifeline.config.ConfigError;
import dev.lifeline.config.Mode;
import dev.lifeline.policy.Policies;

import java.lang.instrument.Instrumentation;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The agent's state, once per JVM: the active configuration, which library hooks reach through {@link Policies}, and
 * what {@code status} and JMX report about it. The configuration is one immutable {@link Config} in a volatile field:
 * a reload or {@code setMode} builds a new one and swaps it in under {@link #CHANGE}, so a session sees either the old
 * or the new configuration, never a mix; sessions already configured keep what they got.
 *
 * <p>States: {@code active} (a valid configuration, instrumentation installed, mode not off), {@code off} (valid, mode
 * off) and {@code disabled} (no valid configuration yet, or instrumentation failed). Written by {@link Startup},
 * {@link Reconfiguration} and {@link JmxControl}; read by everyone through the accessors.
 */
public final class AgentState {
    /**
     * A system property the agent sets in premain and agentmain: the CLI tells a JVM where Lifeline is loaded but has
     * not registered its MBean yet (the registration delay) from one where it is not loaded. Not {@code lifeline.*}:
     * those are settings.
     */
    public static final String LOADED_PROPERTY = "dev.lifeline.agent";
    /** Guarded by CHANGE (not an AtomicBoolean: its VarHandle set-up costs milliseconds of premain, interpreted). */
    static boolean started;
    static volatile Config config = Config.defaults();
    static volatile boolean active;
    /** Serialises configuration swaps (reload, setMode, attach) so none is lost. Never held during file I/O. */
    static final Object CHANGE = new Object();
    // what start() was given, for a reload and for installing late (started with mode=off, changed later)
    static volatile String startArgs;
    static Instrumentation instrumentation;
    static boolean dynamicAttachAtStart;
    /** A valid configuration was applied (state active or off). Guarded by CHANGE for writes. */
    static volatile boolean running;
    static boolean installed;
    static boolean jmxStarted;
    /** Set when premain deferred the start ({@link DeferredStart}): it takes the transformer and registers JMX. */
    static DeferredStart deferred;
    /** A valid configuration premain read and left for {@link DeferredStart} to apply, with its file's baseline. Guarded by CHANGE. */
    static Config prepared;
    static FileWatch.Stamp preparedBaseline;
    static FileWatch fileWatch;
    /** Why the agent is disabled ("" when it is not), its configuration errors one per line, the last change's result. */
    static volatile String disabledReason = "not started";
    static volatile String configErrors = "";
    /** The warnings of the last configuration read (premain, reload, attach), as {@link Startup#logNewWarnings} logged them. */
    static volatile Set<String> warned = Collections.emptySet();
    static volatile String lastReload = "";
    static volatile String configFile;

    /**
     * The one way library code reaches the active configuration, registered by {@link Startup#install} (until then
     * Lifeline is inactive, which a missing source means too): premain with a valid file loads neither it nor
     * {@link Policies}.
     */
    static final class Source implements Policies.Source {
        /** Here, not in AgentState: verifying that call would load Policies.Source with AgentState, in premain. */
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

    private AgentState() {
    }

    static String recordResult(String result) {
        lastReload = java.time.Instant.now().toString() + " " + result;
        return result;
    }

    static String count(List<ConfigError> errors) {
        return errors.size() + (errors.size() == 1 ? " error" : " errors");
    }

    static String joinErrors(List<ConfigError> errors) {
        StringBuilder b = new StringBuilder();
        for (ConfigError e : errors) {
            if (b.length() > 0) {
                b.append('\n');
            }
            b.append(dev.lifeline.report.Log.escapeLine(e.toString())); // one line each, whatever a path holds
        }
        return b.toString();
    }

    static String firstLine(String s) {
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

    public static String version() {
        return BuildInfo.version();
    }
}
