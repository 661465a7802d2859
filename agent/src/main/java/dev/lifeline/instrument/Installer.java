package dev.lifeline.instrument;

import dev.lifeline.report.Log;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;

/**
 * Registers one class file transformer that costs a string prefix test for every class that is not an SSH library
 * class. ByteBuddy (type pool, matchers, advice) is built on the first SSH class only, so a JVM without JSch or MINA
 * pays close to nothing. This class must not mention any ByteBuddy type: loading it would load ByteBuddy.
 */
public final class Installer {
    static final String[] INTERNAL_PREFIXES = {"com/jcraft/jsch/", "org/apache/sshd/"};

    private Installer() {
    }

    public static void install(Instrumentation inst, boolean dynamicAttach) {
        inst.addTransformer(new LazySshTransformer(), true);
        if (dynamicAttach && inst.isRetransformClassesSupported()) {
            retransformLoadedSshClasses(inst);
        }
    }

    static boolean isSshClass(String internalName) {
        if (internalName == null) {
            return false;
        }
        for (String prefix : INTERNAL_PREFIXES) {
            if (internalName.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static void retransformLoadedSshClasses(Instrumentation inst) {
        List<Class<?>> ssh = new ArrayList<Class<?>>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (isSshClass(c.getName().replace('.', '/')) && inst.isModifiableClass(c)) {
                ssh.add(c);
            }
        }
        if (ssh.isEmpty()) {
            return;
        }
        try {
            inst.retransformClasses(ssh.toArray(new Class<?>[0]));
        } catch (Throwable t) {
            Log.warn("instrumentation.retransform-failed", "classes", ssh.size(), "error", t);
        }
    }

    /** Prefix test first; ByteBuddy only for SSH classes, built once on the first one. */
    static final class LazySshTransformer implements ClassFileTransformer {
        private volatile ClassFileTransformer delegate;

        @Override
        public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                                ProtectionDomain protectionDomain, byte[] classfileBuffer) {
            if (!isSshClass(className)) {
                return null;
            }
            try {
                return delegate().transform(loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
            } catch (Throwable t) {
                Log.warnOnce("transform:" + className, "instrumentation.skipped", "class", className.replace('/', '.'),
                        "error", t);
                return null;
            }
        }

        private ClassFileTransformer delegate() {
            ClassFileTransformer d = delegate;
            if (d == null) {
                synchronized (this) {
                    d = delegate;
                    if (d == null) {
                        d = SshTransformers.build();
                        delegate = d;
                    }
                }
            }
            return d;
        }
    }
}
