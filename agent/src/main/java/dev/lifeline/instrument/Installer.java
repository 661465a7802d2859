package dev.lifeline.instrument;

import dev.lifeline.report.Log;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Registers the transformer; on a dynamic attach, weaves the instrumented classes already loaded. */
public final class Installer {
    private Installer() {
    }

    /**
     * With {@code mode=off} or a disabled agent: nothing is woven, but the first SSH library class still logs
     * {@code agent.started} and an uncovered library {@code library.unprotected}.
     */
    public static void announceOnly(Instrumentation inst) {
        inst.addTransformer(announcer(), false);
    }

    /** The transformer {@link #announceOnly} registers. */
    public static ClassFileTransformer announcer() {
        final SshTransformer notices = new SshTransformer(Modules.all());
        return new ClassFileTransformer() {
            @Override
            public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                                    ProtectionDomain protectionDomain, byte[] classfileBuffer) {
                try {
                    if (className != null) {
                        notices.notice(className, protectionDomain);
                    }
                } catch (Throwable t) {
                    Log.warnOnce("announce:" + className, "instrumentation.skipped", "class", className, "error", t);
                }
                return null;
            }
        };
    }

    /** The transformer {@link #install} registers (a deferred start registered one of its own that delegates to it). */
    public static ClassFileTransformer transformer() {
        return new SshTransformer(Modules.all());
    }

    public static void install(Instrumentation inst, boolean dynamicAttach) {
        SshTransformer transformer = new SshTransformer(Modules.all());
        inst.addTransformer(transformer, true);
        if (dynamicAttach && inst.isRetransformClassesSupported()) {
            retransformLoaded(inst, transformer);
        }
    }

    /**
     * Only the instrumented types are retransformed: other SSH classes gain nothing, and some (JSch's optional
     * BouncyCastle ML-KEM classes without BouncyCastle) cannot be retransformed at all.
     */
    private static void retransformLoaded(Instrumentation inst, SshTransformer transformer) {
        Set<String> instrumented = transformer.instrumentedClassNames();
        List<Class<?>> loaded = new ArrayList<Class<?>>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            String name = c.getName();
            if (instrumented.contains(name) && inst.isModifiableClass(c)) {
                loaded.add(c);
            } else if (name.indexOf('.') > 0 && !name.startsWith("java.") && !name.startsWith("jdk.")
                    && !name.startsWith("sun.")) {
                transformer.notice(name.replace('.', '/'), c.getProtectionDomain());
            }
        }
        if (loaded.isEmpty()) {
            return;
        }
        // one class at a time: a class the JVM refuses must not keep the others unprotected
        int failed = 0;
        for (Class<?> c : loaded) {
            try {
                inst.retransformClasses(c);
            } catch (Throwable t) {
                failed++;
                Log.warn("instrumentation.retransform-failed", "class", c.getName(), "error", t);
            }
        }
        Log.info("instrumentation.retransformed", "classes", loaded.size() - failed, "failed", failed);
    }
}
