package dev.lifeline.instrument;

import dev.lifeline.report.Log;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Registers the transformer; on a dynamic attach, weaves the instrumented classes already loaded. The libraries are
 * handed in (the runtime's list): nothing here names one.
 */
public final class Installer {
    private final List<InstrumentationModule> modules;
    private final LibrarySightings sightings;

    public Installer(List<InstrumentationModule> modules, LibrarySightings sightings) {
        this.modules = modules;
        this.sightings = sightings;
    }

    /**
     * With {@code mode=off} or a disabled agent: nothing is woven, but the first SSH library class still logs
     * {@code agent.started} and an uncovered library {@code library.unprotected}.
     */
    public void announceOnly(Instrumentation inst) {
        inst.addTransformer(announcer(), false);
    }

    /** The transformer {@link #announceOnly} registers. */
    public ClassFileTransformer announcer() {
        final SshTransformer notices = new SshTransformer(modules, sightings);
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
    public ClassFileTransformer transformer() {
        return new SshTransformer(modules, sightings);
    }

    /**
     * Looks once at the classes loaded before the transformer saw any (a deferred start begins at the first SSH
     * class or the end of the JMX delay): a relocated copy of a covered library loaded meanwhile is named
     * ({@code library.unprotected}) and recorded in {@link WovenLibraries}. Off the class-loading path.
     */
    public void noticeLoaded(Instrumentation inst) {
        SshTransformer notices = new SshTransformer(modules, sightings);
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (c.isArray() || JdkClasses.isJdkModuleClass(c)) {
                continue; // not asked its name (kept in the class once asked): none is an SSH library's
            }
            String name = c.getName();
            if (name.indexOf('.') > 0 && !name.startsWith("java.") && !name.startsWith("jdk.") && !name.startsWith("sun.")) {
                try {
                    notices.notice(name.replace('.', '/'), c.getProtectionDomain());
                } catch (Throwable t) {
                    // a class whose domain cannot be read: nothing to say about it
                }
            }
        }
    }

    /**
     * A deferred start turned on after classes were loaded (the JVM started with {@code mode=off}, then a reload or an
     * attach turns it on): the instrumented types loaded meanwhile are retransformed through {@code made} (from
     * {@link #transformer()}, now the deferred start's delegate), as at an attach. Without it a library loaded while off
     * stayed unwoven, and the sessions open on it unprotected.
     */
    public void retransformLoaded(Instrumentation inst, ClassFileTransformer made) {
        if (made instanceof SshTransformer && inst.isRetransformClassesSupported()) {
            retransformLoaded(inst, (SshTransformer) made);
        }
    }

    public void install(Instrumentation inst, boolean dynamicAttach) {
        SshTransformer transformer = new SshTransformer(modules, sightings);
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
            if (JdkClasses.isJdkModuleClass(c)) {
                continue; // not asked its name (kept in the class once asked): none is an SSH library's
            }
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
