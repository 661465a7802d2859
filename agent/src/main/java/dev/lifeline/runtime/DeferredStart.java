package dev.lifeline.runtime;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Map;

/**
 * {@code premain} when the operator configured nothing (no agent argument, no {@code lifeline.*} system property, no
 * {@code LIFELINE_*} variable): the defaults are valid and print nothing, so there is nothing to check or report at
 * start-up, and {@link Startup#start} (the configuration, the modules, about 25 classes run interpreted: 5-10 ms of a
 * hello world) waits until it is needed: the first class of an SSH library (covered or not), the end of the JMX
 * registration delay, or a second start of the agent (attach). Until then this is the one transformer: a few prefix
 * tests per class, then it hands every class to the transformer {@link Startup} built ({@link #use}).
 *
 * <p>Registered with retransformation, as the transformer it stands for. Never throws into class loading.
 */
public final class DeferredStart implements ClassFileTransformer, Runnable {
    /** The first classes that start the agent: the modules' package prefixes and the SSH libraries named as uncovered. */
    static final String[] TRIGGERS = {
            "com/jcraft/jsch/", "org/apache/sshd/", "net/schmizz/", "com/trilead/ssh2/", "ch/ethz/ssh2/"};

    /**
     * The deferred start of this JVM, or null (none ran, or premain started at once: an invalid configuration,
     * {@code failOnConfigError=true}, an unreadable file). With a valid configuration premain has read and checked it
     * ({@link Startup#startInPremain}) and only applying it waits here.
     */
    public static volatile DeferredStart pending;

    private final String args;
    private final Instrumentation inst;
    private volatile ClassFileTransformer delegate;
    /** Guarded by this. */
    private boolean started;

    private DeferredStart(String args, Instrumentation inst) {
        this.args = args;
        this.inst = inst;
    }

    /** Nothing configures the agent: its defaults apply, which are valid and log nothing at start-up. */
    public static boolean nothingConfigured(String args) {
        if (args != null && !args.trim().isEmpty()) {
            return false;
        }
        for (Object name : System.getProperties().keySet()) {
            if (name instanceof String && ((String) name).startsWith("lifeline.")) {
                return false;
            }
        }
        Map<String, String> env = System.getenv();
        for (String name : env.keySet()) {
            if (name.startsWith("LIFELINE_")) {
                return false;
            }
        }
        return true;
    }

    /** premain's work when {@link #nothingConfigured}: one transformer and the JMX registration thread. */
    public static void install(String args, Instrumentation inst) {
        DeferredStart d = new DeferredStart(args, inst);
        pending = d;
        inst.addTransformer(d, true);
        Thread t = new Thread(d, "lifeline-jmx"); // jmx.enabled=true by default: registered after the usual delay
        t.setDaemon(true);
        t.start();
    }

    /** Starts the agent (once; later calls wait for the first to finish). Never throws. */
    public void startNow() {
        synchronized (this) {
            if (started) {
                return;
            }
            started = true;
            try {
                Startup.startDeferred(args, inst, this);
            } catch (Throwable t) {
                System.err.println("[lifeline] level=error event=agent.failed action=\"application continues unprotected\" error=\""
                        + t.getClass().getName() + ": " + t.getMessage() + "\"");
            }
        }
    }

    /** The transformer {@link Startup} built: every class goes to it from now on. */
    void use(ClassFileTransformer transformer) {
        delegate = transformer;
    }

    static boolean triggers(String className) {
        // most classes a JVM loads start with j (java/, jdk/) or s (sun/): one char read instead of five prefix tests
        char first = className.isEmpty() ? 0 : className.charAt(0);
        if (first != 'c' && first != 'o' && first != 'n') {
            return false;
        }
        for (String p : TRIGGERS) {
            if (className.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        try {
            ClassFileTransformer d = delegate;
            if (d == null) {
                if (className == null || !triggers(className)) {
                    return null;
                }
                startNow();
                d = delegate;
                if (d == null) {
                    return null;
                }
            }
            return d.transform(loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
        } catch (Throwable t) {
            return null; // the delegate catches its own; nothing may reach class loading
        }
    }

    /** The {@code lifeline-jmx} thread: after the registration delay, the agent starts (if nothing started it) and registers. */
    @Override
    public void run() {
        if (dev.lifeline.jmx.JmxDelay.await()) { // not Jmx or Lifeline: their classes load after the delay
            startNow();
            Startup.noticeLoadedClasses(inst); // what loaded before the transformer looked at classes
            JmxControl.registerJmxDeferred();
        }
    }
}
