package dev.lifeline.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lifeline's own failures inside the application's threads, and a test-only way to cause them.
 *
 * <p>Every helper the woven hooks call starts with {@link #inject(String)}. Normally that is one read of a static
 * volatile boolean that is false. With the system property {@value #PROPERTY}{@code =true} (read once, when the agent
 * starts; for tests only, never a user setting) it throws, so every hook fails: each hook method (the library
 * modules' {@code *Hooks} classes) catches the throwable and hands it to {@link #suppressed(Throwable)}, which counts
 * it as {@code internalErrors} and logs once per hook. That proves the application sees nothing of Lifeline's
 * failures, whatever they are.
 */
public final class Faults {
    /** Test-only switch. Not a configuration key: the configuration loader skips it. */
    public static final String PROPERTY = "lifeline.test.faultInjection";

    private static volatile boolean enabled;
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();
    /** Per hook that failed, its first error: what status names as a protection that could not be applied. */
    private static final Map<String, String> FAILED = new ConcurrentHashMap<String, String>();
    private static final int MAX_FAILED = 50;

    private Faults() {
    }

    /** Reads {@value #PROPERTY} once, at agent start. */
    public static void init() {
        try {
            enabled = Boolean.parseBoolean(System.getProperty(PROPERTY));
        } catch (Throwable t) {
            enabled = false;
        }
        if (enabled) {
            Log.warn("agent.fault-injection", "property", PROPERTY, "action",
                    "every hook throws (test only); each suppressed throwable counts as internalErrors");
        }
    }

    /** For in-process tests. */
    public static void enableForTests(boolean on) {
        enabled = on;
    }

    /** At the entry of every helper a hook calls: throws when fault injection is on, nothing otherwise. */
    public static void inject(String where) {
        if (enabled) {
            // through a factory typed RuntimeException: verifying this method then loads no InjectedFault (a class
            // load inside every JVM's first connect for a test-only switch)
            throw InjectedFault.of(where);
        }
    }

    /**
     * Called by a hook method with what it caught (and suppressed): counted, and
     * logged once per hook (warn). Never throws: it runs in the
     * application's thread, inside the library's method.
     */
    public static void suppressed(Throwable t) {
        try {
            Counters.increment(Counters.Counter.INTERNAL_ERRORS);
            String where = t instanceof InjectedFault ? ((InjectedFault) t).where : where(t);
            if (LOGGED.add(where)) {
                if (FAILED.size() < MAX_FAILED) {
                    FAILED.put(where, t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
                }
                Log.warn("internal.error", "hook", where, "error", t,
                        "action", "suppressed, the application goes on (logged once per hook; see internalErrors)");
            }
        } catch (Throwable ignored) {
            // nothing may escape into the application's thread
        }
    }

    /**
     * The hooks that failed in this JVM, {@code hook: first error} each, sorted: a protection a hook was to apply and
     * could not (an {@code IllegalAccessException} for a library on the module path, a library member that changed).
     */
    public static List<String> failedHooks() {
        List<String> out = new ArrayList<String>();
        for (Map.Entry<String, String> e : FAILED.entrySet()) {
            out.add(e.getKey() + ": " + e.getValue());
        }
        Collections.sort(out);
        return out;
    }

    /** The first Lifeline frame of a real failure, as the hook's name. */
    private static String where(Throwable t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("dev.lifeline.")) {
                String c = e.getClassName();
                return c.substring(c.lastIndexOf('.') + 1) + "." + e.getMethodName();
            }
        }
        StackTraceElement[] s = t.getStackTrace();
        return s.length == 0 ? t.getClass().getName() : s[0].getClassName() + "." + s[0].getMethodName();
    }

    /** What {@link #inject} throws; no stack trace (it would cost, and says nothing the hook name does not). */
    static final class InjectedFault extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String where;

        static RuntimeException of(String where) {
            return new InjectedFault(where);
        }

        InjectedFault(String where) {
            super("injected fault at " + where + " (" + PROPERTY + "=true)", null, false, false);
            this.where = where;
        }
    }
}
