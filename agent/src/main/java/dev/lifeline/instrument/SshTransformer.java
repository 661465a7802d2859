package dev.lifeline.instrument;

import dev.lifeline.report.Log;

import java.lang.instrument.ClassFileTransformer;
import java.lang.ref.WeakReference;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The agent's one class file transformer. Every class the JVM loads costs a few prefix tests; a class of a covered
 * library also a hash lookup of its name, and only the types the modules list are read and woven. Nothing escapes: a failure leaves the class as it was,
 * with one log line.
 */
final class SshTransformer implements ClassFileTransformer {
    private final List<InstrumentationModule> modules;
    private final LibrarySightings sightings;
    private final String[] coveredPrefixes;
    /** Per module: "/" + the first signature class, and the second (see {@link #renamed}); null entries have none. */
    private final String[][] signatures;
    private final boolean[] covered;
    private final String[][] uncovered;
    private final boolean[] uncoveredReported;
    /**
     * The first characters of every prefix above (ASCII): most classes a JVM loads ({@code java/}, {@code jdk/},
     * {@code sun/}, the application's own) are told apart by one array read instead of a prefix test per library.
     */
    private final boolean[] firstChars = new boolean[128];
    /**
     * Per module, built at the first class of its library: a JVM without SSH never loads the declarations or hooks,
     * and a JSch application never loads MINA's or sshj's (their types, hooks and hook classes).
     */
    private final Declarations[] declarations;
    /**
     * Per module, the loader of the last class seen: {@link WovenLibraries} is asked only when it changes (it records
     * the same copy once anyway). Weak: a strong reference kept an undeployed webapp's loader, and all its classes,
     * for the life of the JVM ({@code TopologyTest#jschInATomcatWebapp}).
     */
    private final WeakReference<?>[] lastLoader;

    /** The modules' types by internal name, and the module each belongs to. */
    private static final class Declarations {
        final Map<String, List<InstrumentedType>> typesByName = new HashMap<String, List<InstrumentedType>>();
        final Map<String, InstrumentationModule> moduleByName = new HashMap<String, InstrumentationModule>();
        /** Per library copy (class loader): what it lacks of the module's members, "" when nothing. */
        private final Map<ClassLoader, String> missingByLoader = new java.util.WeakHashMap<ClassLoader, String>();
        private final List<LibraryMember> members = new ArrayList<LibraryMember>();

        Declarations(List<InstrumentationModule> modules) {
            for (InstrumentationModule m : modules) {
                add(m);
            }
        }

        /**
         * The module's shape check, once per library copy: the first of its classes pays for it, and is checked from
         * the bytes being transformed ({@code file}, {@code shape}) instead of being read again.
         */
        String missingMembers(ClassLoader loader, String className, ClassFile file, ClassShape shape) {
            synchronized (missingByLoader) {
                String missing = missingByLoader.get(loader);
                if (missing == null) {
                    missing = ModuleShape.missing(members, loader, className, file, shape);
                    missing = missing == null ? "" : missing;
                    missingByLoader.put(loader, missing);
                }
                return missing.isEmpty() ? null : missing;
            }
        }

        private void add(InstrumentationModule m) {
            members.addAll(m.members());
            {
                for (InstrumentedType t : m.types()) {
                    List<InstrumentedType> same = typesByName.get(t.internalName);
                    if (same == null) {
                        same = new ArrayList<InstrumentedType>();
                        typesByName.put(t.internalName, same);
                    }
                    same.add(t);
                    moduleByName.put(t.internalName, m);
                }
            }
        }
    }

    SshTransformer(List<InstrumentationModule> modules) {
        this(modules, LibrarySightings.NONE);
    }

    SshTransformer(List<InstrumentationModule> modules, LibrarySightings sightings) {
        this.modules = modules;
        this.sightings = sightings;
        coveredPrefixes = new String[modules.size()];
        signatures = new String[modules.size()][];
        for (int i = 0; i < modules.size(); i++) {
            coveredPrefixes[i] = modules.get(i).packagePrefix();
            String[] sig = modules.get(i).relocationSignature();
            signatures[i] = sig == null || sig.length != 2 ? null : new String[]{"/" + sig[0], sig[1]};
        }
        covered = new boolean[modules.size()];
        declarations = new Declarations[modules.size()];
        lastLoader = new WeakReference<?>[modules.size()];
        uncovered = UncoveredLibraries.without(coveredPrefixes);
        uncoveredReported = new boolean[uncovered.length];
        for (String p : coveredPrefixes) {
            markFirstChar(p);
        }
        for (String[] u : uncovered) {
            markFirstChar(u[0]);
        }
    }

    private void markFirstChar(String prefix) {
        if (prefix.isEmpty() || prefix.charAt(0) >= firstChars.length) {
            java.util.Arrays.fill(firstChars, true); // matches anything, or not ASCII: no shortcut
        } else {
            firstChars[prefix.charAt(0)] = true;
        }
    }

    /** Module {@code i}'s declarations; the array's slots are written once, under this, and read under it. */
    private Declarations declarations(int i) {
        synchronized (declarations) {
            Declarations d = declarations[i];
            if (d == null) {
                d = new Declarations(Collections.singletonList(modules.get(i)));
                declarations[i] = d;
            }
            return d;
        }
    }

    /** The classes hooks go into (dotted names): what a dynamic attach retransforms. */
    Set<String> instrumentedClassNames() {
        Set<String> out = new HashSet<String>();
        for (int i = 0; i < modules.size(); i++) {
            for (String n : declarations(i).typesByName.keySet()) {
                out.add(n.replace('/', '.'));
            }
        }
        return Collections.unmodifiableSet(out);
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (className == null) {
            return null;
        }
        try {
            int module = noticeModule(className, loader, protectionDomain);
            if (module < 0) {
                return null;
            }
            Declarations d = declarations(module);
            List<InstrumentedType> types = d.typesByName.get(className);
            if (types == null) {
                return null;
            }
            long start = System.nanoTime();
            byte[] woven = instrument(loader, protectionDomain, className, d, d.moduleByName.get(className), types,
                    classfileBuffer);
            Log.debug("instrumentation.transform", "class", className.replace('/', '.'),
                    "ms", (System.nanoTime() - start) / 1000000L, "changed", woven != null);
            return woven;
        } catch (Throwable t) {
            Log.warnOnce("transform:" + className, "instrumentation.skipped", "class", className.replace('/', '.'),
                    "reason", "library version not supported", "error", t);
            return null;
        }
    }

    /**
     * The first class of each SSH library: covered ones announce themselves, the others get one warning.
     *
     * @return whether the class belongs to a covered library
     */
    boolean notice(String className, ProtectionDomain domain) {
        return noticeModule(className, domain == null ? null : domain.getClassLoader(), domain) >= 0;
    }

    /** {@link #notice}, answering the index of the module whose library the class belongs to, or -1. */
    private int noticeModule(String className, ClassLoader loader, ProtectionDomain domain) {
        char first = className.isEmpty() ? 0 : className.charAt(0);
        if (first < firstChars.length && !firstChars[first]) {
            relocated(className, loader, domain);
            return -1;
        }
        for (int i = 0; i < coveredPrefixes.length; i++) {
            if (className.startsWith(coveredPrefixes[i])) {
                if (!covered[i]) {
                    librarySeen(i, domain);
                }
                WeakReference<?> last = lastLoader[i];
                if (last == null || last.get() != loader) { // a new copy, or one seen before: recorded once per copy
                    lastLoader[i] = new WeakReference<ClassLoader>(loader);
                    WovenLibraries.seen(modules.get(i).name(), modules.get(i).library(), loader, domain);
                }
                return i;
            }
        }
        for (int i = 0; i < uncovered.length; i++) {
            if (!uncoveredReported[i] && className.startsWith(uncovered[i][0])) {
                uncoveredSeen(i, className, domain);
            }
        }
        relocated(className, loader, domain);
        return -1;
    }

    /**
     * A covered library's package inside another one ({@code vendor/shaded/com/jcraft/jsch/Session}: maven-shade's
     * relocation keeps the class names): Lifeline weaves only the library's own package, so the copy is named once,
     * as {@code library.unprotected}. An index search per class (intrinsic), only for classes of no covered library.
     */
    private void relocated(String className, ClassLoader loader, ProtectionDomain domain) {
        for (int i = 0; i < coveredPrefixes.length; i++) {
            int at = className.indexOf(coveredPrefixes[i], 1);
            if (at > 0 && className.charAt(at - 1) == '/') {
                InstrumentationModule m = modules.get(i);
                String pkg = className.substring(0, at + coveredPrefixes[i].length() - 1).replace('/', '.');
                if (WovenLibraries.relocated(m.name(), m.library(), pkg, loader, domain)) {
                    Log.warn("library.unprotected", "library", m.library(), "package", pkg,
                            "version", LibraryVersion.of(domain), "class", className.replace('/', '.'),
                            "reason", "a relocated copy of " + m.library() + " (shaded into another package)",
                            "action", "its sessions get no keepalive or deadlines");
                }
                return;
            }
        }
        renamed(className, loader, domain);
    }

    /**
     * A covered library relocated into a package of another name altogether ({@code vendor/sshlib/JSch}): the class
     * names stay, so the first name of the module's {@link InstrumentationModule#relocationSignature() signature} is
     * watched for (an {@code endsWith} per class) and the second, looked up once in the same loader, confirms it.
     */
    private void renamed(String className, ClassLoader loader, ProtectionDomain domain) {
        for (int i = 0; i < signatures.length; i++) {
            String[] sig = signatures[i];
            if (sig == null || loader == null || !className.endsWith(sig[0]) || className.length() == sig[0].length()) {
                continue;
            }
            String root = className.substring(0, className.length() - sig[0].length() + 1); // "vendor/sshlib/"
            try {
                if (loader.getResource(root + sig[1] + ".class") == null) {
                    continue;
                }
            } catch (Throwable t) { // a loader's own failure: not a copy we can name
                continue;
            }
            InstrumentationModule m = modules.get(i);
            String pkg = root.substring(0, root.length() - 1).replace('/', '.');
            if (WovenLibraries.relocated(m.name(), m.library(), pkg, loader, domain)) {
                Log.warn("library.unprotected", "library", m.library(), "package", pkg,
                        "version", LibraryVersion.of(domain), "class", className.replace('/', '.'),
                        "reason", "a relocated copy of " + m.library() + " (renamed package, the library's class names)",
                        "action", "its sessions get no keepalive or deadlines");
            }
            return;
        }
    }

    private synchronized void librarySeen(int i, ProtectionDomain domain) {
        if (covered[i]) {
            return;
        }
        covered[i] = true;
        try {
            sightings.firstSeen(modules.get(i).name(), LibraryVersion.of(domain));
        } catch (Throwable t) {
            Log.warnOnce("library-seen", "internal.error", "hook", "sshLibrarySeen", "error", t);
        }
    }

    private synchronized void uncoveredSeen(int i, String className, ProtectionDomain domain) {
        if (uncoveredReported[i]) {
            return;
        }
        uncoveredReported[i] = true;
        // once per JVM, also when an announce-only transformer (mode=off, disabled) came first
        Log.warnOnce("unprotected:" + uncovered[i][1], "library.unprotected", "library", uncovered[i][1], "version", LibraryVersion.of(domain),
                "class", className.replace('/', '.'),
                "reason", "Lifeline does not cover this SSH library", "action", "its sessions get no keepalive or deadlines");
    }

    private byte[] instrument(ClassLoader loader, ProtectionDomain domain, String className, Declarations d,
                              InstrumentationModule module,
                              List<InstrumentedType> types, byte[] bytes) {
        Map<String, String> bridge = null; // hook class -> the bootstrap forwarder woven code calls instead
        if (!seesAgent(loader, module.hookClass())) {
            bridge = BootBridge.reach(loader, module);
            if (bridge == null) {
                unsupported(module, className, loader, domain,
                        "its class loader cannot see the agent or its bootstrap bridge (isolated loader)");
                return null;
            }
        }
        Set<String> hooked = new HashSet<String>();
        for (InstrumentedType t : types) {
            for (Hook h : t.hooks) {
                hooked.add(h.key());
            }
        }
        ClassFile classFile = new ClassFile(bytes); // its constant pool indexed once, for the check and both passes
        ClassShape shape = ClassShape.of(classFile, hooked);
        String absent = d.missingMembers(loader, className, classFile, shape);
        if (absent != null) {
            unsupported(module, className, loader, domain, "members Lifeline needs are missing (" + absent + ")");
            return null;
        }
        Map<String, Hook> chosen = new LinkedHashMap<String, Hook>();
        String lineMissing = null;
        boolean lineFound = false;
        for (InstrumentedType t : types) {
            String missing = missingMembers(t, shape);
            if (missing != null) {
                unsupported(module, className, loader, domain, "members Lifeline needs are missing (" + missing + ")");
                return null;
            }
            if (t.requirement != null) {
                if (!t.requirement.metBy(loader)) {
                    lineMissing = t.requirement.description;
                    continue;
                }
                lineFound = true;
            }
            for (Hook h : t.hooks) {
                if (h.isCallSite() || shape.methods.containsKey(h.key())) {
                    chosen.put(h.key(), bridge == null ? h : h.calling(bridge.get(h.hookClass)));
                }
            }
        }
        if (lineMissing != null && !lineFound) {
            unsupported(module, className, loader, domain, lineMissing);
        }
        if (chosen.isEmpty()) {
            return null;
        }
        byte[] woven;
        String weaver = "patch";
        try {
            woven = ClassPatcher.weave(classFile, className, shape, chosen);
        } catch (ClassPatcher.Unsupported e) {
            woven = HookWeaver.weave(bytes, className, shape, chosen);
            weaver = "asm (" + e.getMessage() + ")";
        }
        WovenLibraries.woven(module.name(), module.library(), loader, domain);
        Log.debug("instrumentation.applied", "class", className.replace('/', '.'), "hooks", chosen.size(), "weaver", weaver);
        return woven;
    }

    /** What a type's hooks need and the class file lacks, or null. Hooked methods must have code to weave into. */
    static String missingMembers(InstrumentedType t, ClassShape shape) {
        for (Hook h : t.hooks) {
            Integer access = shape.methods.get(h.key());
            if (h.isCallSite()) {
                if (h.problem(false) != null) {
                    return "call " + h.key() + ": " + h.problem(false);
                }
            } else if (access == null) {
                if (!h.optional) {
                    return "method " + h.key();
                }
            } else if ((access & (0x0400 | 0x0100)) != 0) { // ACC_ABSTRACT | ACC_NATIVE
                return "method " + h.key() + " has no code";
            } else if (h.problem((access & 0x0008) != 0) != null) {
                return "method " + h.key() + ": " + h.problem((access & 0x0008) != 0);
            }
        }
        return null;
    }

    /** Hooks call the module's hook class by name: the library's loader must resolve it to this very agent. */
    static boolean seesAgent(ClassLoader loader, Class<?> hookClass) {
        if (loader == null) {
            return false;
        }
        try {
            return Class.forName(hookClass.getName(), false, loader) == hookClass;
        } catch (Throwable t) {
            return false;
        }
    }

    /** Once per library copy: an operator needs to know the library is unprotected, not each class's name. */
    private static void unsupported(InstrumentationModule module, String className, ClassLoader loader,
                                    ProtectionDomain domain, String reason) {
        WovenLibraries.refused(module.name(), module.library(), loader, domain, reason);
        Log.warnOnce("unsupported:" + module.library() + ":" + reason + "@" + System.identityHashCode(loader),
                "instrumentation.unsupported", "library", module.library(), "class", className.replace('/', '.'),
                "reason", reason, "action", "left unchanged");
    }
}
