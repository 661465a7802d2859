package dev.lifeline.runtime;

import dev.lifeline.instrument.Installer;
import dev.lifeline.instrument.LibrarySightings;
import dev.lifeline.config.Config;
import dev.lifeline.report.Log;

import static dev.lifeline.runtime.AgentState.*;

/** {@code agent.started}, once per JVM, at the first class of a covered SSH library ({@link LibrarySightings}). */
final class StartAnnouncement implements LibrarySightings {
    /** agent.started has been logged (at the first SSH library class). Guarded by ANNOUNCE, not CHANGE: it is taken
     * inside class loading, where waiting for a lock held around instrumentation could deadlock. */
    private static boolean announced;
    private static final Object ANNOUNCE = new Object();

    /**
     * The covered libraries' instrumentation, announcing the first class of each. Here, not in {@link Startup}: the
     * verifier would load {@link LibrarySightings} with Startup, in premain.
     */
    static Installer installer() {
        return new Installer(Libraries.all(), new StartAnnouncement());
    }

    /**
     * The first class of an SSH library Lifeline covers was loaded: logs {@code agent.started} once per JVM (with the
     * library and its version), so a JVM that never loads one (javac, jcmd, build tools under
     * {@code JAVA_TOOL_OPTIONS}) prints nothing at {@code info}. Called from the class file transformer; never throws.
     */
    public void firstSeen(String library, String version) {
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
            Log.info("agent.started", "version", version(), "commit", BuildInfo.commit(),
                    "mode", configured ? c.mode().label() : "off", "file", file == null ? "none" : file, "rules", configured ? c.ruleCount() : 0,
                    "jdk", System.getProperty("java.version"), "attach", dynamicAttachAtStart,
                    "library", library, "library_version", version == null ? "unknown" : version, "state", state());
        } catch (Throwable ignored) {
            // runs inside class loading of the application: nothing may escape
        }
    }
}
