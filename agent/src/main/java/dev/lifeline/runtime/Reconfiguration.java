package dev.lifeline.runtime;

import dev.lifeline.jmx.Jmx;
import dev.lifeline.config.AgentArgument;
import dev.lifeline.config.Config;
import dev.lifeline.config.FileWatch;
import dev.lifeline.config.ConfigError;
import dev.lifeline.config.ConfigFile;
import dev.lifeline.config.Key;
import dev.lifeline.config.Mode;
import dev.lifeline.report.Log;
import dev.lifeline.enforce.ExecDeadline;
import dev.lifeline.sessions.SshSessions;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import static dev.lifeline.runtime.AgentState.*;

/**
 * Changes to the running agent: a reload (the file changed, JMX {@code reload}, an attach with a file) and JMX
 * {@code setMode}. Reading the file never happens under {@link AgentState#CHANGE}, the lock {@code setMode}, the JMX
 * view and deadlines may need: a reload loads and parses first (serialised with other reloads by {@code Reload.RELOAD}
 * only), then swaps the result in under {@code CHANGE}. The file is watched on its own thread ({@code lifeline-config},
 * see {@link FileWatch}), so a file that blocks its reader holds up that thread and nothing else.
 */
public final class Reconfiguration {
    /** How long a reload waits for another one still reading the file. */
    static final long RELOAD_WAIT_MILLIS = 5000;

    /**
     * Serialises reloads among themselves (held while the file is read, so never needed by setMode or JMX reads). In a
     * holder: a ReentrantLock loads AbstractQueuedSynchronizer and its nodes.
     */
    private static final class Reload {
        static final ReentrantLock RELOAD = new ReentrantLock();
    }

    private Reconfiguration() {
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
    static String loadAndApply(String agentArgs, String via) {
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
            String file = AgentArgument.fileOf(args);
            FileWatch.Stamp baseline = FileWatch.stamp(file); // before loading: see FileWatch
            Config loaded = Startup.loadBounded(args); // the I/O: no lock held, and on a lifeline-config thread
            if (loaded == null) {
                String why = Startup.unreadableMessage(args);
                Log.error("config.unreadable", "file", file, "reason", why);
                if (agentArgs == null) {
                    Log.warn("config.reload-rejected", "errors", 1,
                            "action", running ? "active configuration kept" : "agent stays disabled", "via", via);
                }
                return recordResult("rejected: " + why + (running ? "; the active configuration is kept"
                        : "; the agent stays disabled"));
            }
            Startup.logNewWarnings(loaded); // a rule added to the file that can never match is said at its reload too
            if (!loaded.errors().isEmpty()) {
                StringBuilder result = new StringBuilder("rejected: ").append(count(loaded.errors()))
                        .append(running ? "; the active configuration is kept" : "; the agent stays disabled");
                for (ConfigError e : loaded.errors()) {
                    Log.error("config.invalid", "detail", e.toString());
                    result.append('\n').append(Log.escapeLine(e.toString()));
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
            Startup.applyLogSettings(loaded); // may open a file: before CHANGE
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
                ConfigFile.warnIfOthersCanWrite(loaded.file());
            }
            JmxControl.startJmx(loaded);
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
    static String replace(Config next, String via) {
        Config previous = config;
        boolean wasRunning = running;
        config = next;
        SshSessions.watchdogThreshold(next.watchdogThresholdMillis());
        String note = "";
        if (next.mode() != Mode.OFF && !installed && instrumentation != null) {
            // started with mode=off or disabled: instrument now, as a dynamic attach does (loaded classes are retransformed)
            note = Startup.install(instrumentation, true) ? "; instrumentation installed now" : "; instrumentation failed (see log)";
        }
        Jmx.configReplaced(next);
        ExecDeadline.standDownWhereOff(); // armed under the old configuration, for a host whose mode is off now
        // one line per change: an attach says it as agent.reconfigured, a disabled agent turning on as agent.enabled
        if (wasRunning && !via.equals("attach")) {
            Log.info("config.replaced", "via", via, "mode", next.mode().label(), "previous_mode", previous.mode().label(),
                    "file", next.file() == null ? "none" : next.file(), "rules", next.ruleCount());
        }
        if (wasRunning && !via.equals("setMode")) {
            logReverted(previous, next);
        }
        return "ok: mode=" + next.mode().label() + " file=" + (next.file() == null ? "none" : Log.value(next.file())) + " rules="
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
     * (Re)starts watching {@code file} from {@code baseline}; a watch of another file, or at another interval, ends
     * (when that is the calling watch thread itself, it ends once this reload returns).
     */
    static void watch(String file, FileWatch.Stamp baseline, long intervalMillis) {
        FileWatch old;
        FileWatch next = null;
        synchronized (CHANGE) {
            old = fileWatch;
            if (old == null && (file == null || file.isEmpty())) {
                return; // nothing watched, nothing to watch (FileWatch.start would do nothing)
            }
            if (old != null && file != null && old.path().equals(file) && old.intervalMillis() == intervalMillis) {
                return; // already watching it (its baseline moves on by itself)
            }
            fileWatch = null;
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
            fileWatch = next;
        }
    }
}
