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
    /**
     * The types advice goes into (kept equal to {@link SshTransformers#instrumentations()} by a test, named here so this
     * class stays free of ByteBuddy). Only these are retransformed on attach: other SSH classes gain nothing, and some
     * (JSch's optional BouncyCastle ML-KEM classes without BouncyCastle) cannot be retransformed at all.
     */
    static final java.util.Set<String> INSTRUMENTED_TYPES = new java.util.HashSet<String>(java.util.Arrays.asList(
            "com.jcraft.jsch.Session", "com.jcraft.jsch.Channel", "com.jcraft.jsch.ChannelExec",
            "org.apache.sshd.client.session.ClientConnectionService", "org.apache.sshd.client.SshClient",
            "org.apache.sshd.client.channel.ChannelExec", "org.apache.sshd.common.channel.AbstractChannel",
            "org.apache.sshd.common.util.closeable.AbstractCloseable",
            "org.apache.sshd.common.session.helpers.SessionHelper", "org.apache.sshd.client.channel.AbstractClientChannel"));

    /** The same, as the JVM names them to a transformer ({@code com/jcraft/jsch/Session}). */
    static final java.util.Set<String> INSTRUMENTED_INTERNAL_NAMES = internalNames(INSTRUMENTED_TYPES);

    private static java.util.Set<String> internalNames(java.util.Set<String> names) {
        java.util.Set<String> out = new java.util.HashSet<String>();
        for (String n : names) {
            out.add(n.replace('.', '/'));
        }
        return out;
    }

    private Installer() {
    }

    /**
     * With {@code mode=off} or a disabled agent: nothing is instrumented, but the first SSH library class still logs
     * {@code agent.started} and an uncovered library {@code library.unprotected}.
     */
    public static void announceOnly(Instrumentation inst) {
        inst.addTransformer(new LazySshTransformer(true), false);
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
            if (INSTRUMENTED_TYPES.contains(c.getName()) && inst.isModifiableClass(c)) {
                ssh.add(c);
            }
        }
        if (ssh.isEmpty()) {
            return;
        }
        // one class at a time: a class the JVM refuses must not keep the others unprotected
        int failed = 0;
        for (Class<?> c : ssh) {
            try {
                inst.retransformClasses(c);
            } catch (Throwable t) {
                failed++;
                Log.warn("instrumentation.retransform-failed", "class", c.getName(), "error", t);
            }
        }
        Log.info("instrumentation.retransformed", "classes", ssh.size() - failed, "failed", failed);
    }

    /**
     * The version in the name of the jar a class came from ({@code jsch-2.28.8.jar} gives {@code 2.28.8}), or
     * {@code unknown}. Never throws.
     */
    static String jarVersion(ProtectionDomain pd) {
        try {
            java.net.URL url = pd == null || pd.getCodeSource() == null ? null : pd.getCodeSource().getLocation();
            if (url == null) {
                return "unknown";
            }
            String path = url.getPath();
            if (path.endsWith("!/")) {
                path = path.substring(0, path.length() - 2); // nested jar (Spring Boot): the inner jar's name
            }
            int slash = path.lastIndexOf('/', path.length() - 2);
            String name = path.substring(slash + 1);
            if (!name.endsWith(".jar")) {
                return "unknown";
            }
            name = name.substring(0, name.length() - 4);
            for (int i = 0; i + 1 < name.length(); i++) {
                if (name.charAt(i) == '-' && Character.isDigit(name.charAt(i + 1))) {
                    return name.substring(i + 1);
                }
            }
            return "unknown";
        } catch (Throwable t) {
            return "unknown";
        }
    }

    /**
     * A set lookup first; ByteBuddy only for the few types advice goes into, built once on the first of them. The
     * hundreds of other JSch and MINA classes an app loads at its first connect never reach ByteBuddy (which would
     * parse each one only to match nothing).
     */
    static final class LazySshTransformer implements ClassFileTransformer {
        private volatile ClassFileTransformer delegate;
        private volatile boolean sshSeen;
        private final boolean announceOnly;

        LazySshTransformer() {
            this(false);
        }

        LazySshTransformer(boolean announceOnly) {
            this.announceOnly = announceOnly;
        }

        @Override
        public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                                ProtectionDomain protectionDomain, byte[] classfileBuffer) {
            if (!isSshClass(className)) {
                if (className != null && (className.startsWith("net/schmizz/sshj/")
                        || className.startsWith("com/trilead/ssh2/") || className.startsWith("ch/ethz/ssh2/"))) {
                    unprotectedLibrary(className, protectionDomain);
                }
                return null;
            }
            if (!sshSeen) {
                sshSeen = true;
                dev.lifeline.Lifeline.sshLibrarySeen(className.startsWith("com/jcraft/jsch/") ? "jsch" : "mina-sshd",
                        jarVersion(protectionDomain));
            }
            if (announceOnly || !INSTRUMENTED_INTERNAL_NAMES.contains(className)) {
                return null;
            }
            try {
                long start = System.nanoTime();
                byte[] b = delegate().transform(loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
                Log.debug("instrumentation.transform", "class", className.replace('/', '.'),
                        "ms", (System.nanoTime() - start) / 1000000L, "changed", b != null);
                return b;
            } catch (Throwable t) {
                Log.warnOnce("transform:" + className, "instrumentation.skipped", "class", className.replace('/', '.'),
                        "error", t);
                return null;
            }
        }

        /** One warn line per uncovered library per JVM: its sessions get no keepalive and no deadline. */
        private static void unprotectedLibrary(String className, ProtectionDomain pd) {
            String library = className.startsWith("net/schmizz/sshj/") ? "sshj"
                    : className.startsWith("com/trilead/ssh2/") ? "trilead-ssh2" : "ganymed-ssh2";
            Log.warnOnce("unprotected:" + library, "library.unprotected", "library", library, "version", jarVersion(pd),
                    "class", className.replace('/', '.'), "action",
                    "its sessions get no keepalive and no deadline from Lifeline (only JSch and Apache MINA SSHD are covered)");
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
