package dev.lifeline.instrument;

import dev.lifeline.report.Log;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

import java.io.File;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * How woven code reaches Lifeline from a class loader that does not delegate to the system class path (an OSGi
 * bundle, a JBoss module, a {@code URLClassLoader} under the platform loader): a bridge on the bootstrap path, which
 * every loader can resolve (OSGi frameworks once {@code BootDelegation} makes them delegate its package).
 *
 * <p>The bridge is made only when such a loader first defines a class Lifeline weaves, one tiny jar per library
 * module, appended to the bootstrap search: appending to it turns off class data sharing for application classes
 * loaded after, so a JVM whose libraries are all on the class path never gets one. It holds one forwarder per hook
 * class ({@code dev.lifeline.bridge.JschHooks}), generated here: the same static methods with the same descriptors
 * (JDK types only, see {@link Hook}), each calling the real hook through a {@code MethodHandle} that this class sets
 * before any woven code can run. Woven code in such a loader names the forwarder instead of the hook class; nothing
 * of the application or of Lifeline is shadowed (the package is Lifeline's own and the agent never names it).
 */
final class BootBridge {
    /** The bridge's package (internal form): what OSGi loaders are made to delegate to the boot loader. */
    static final String PACKAGE = "dev/lifeline/bridge/";
    /** Per module name: hook class (internal name) → forwarder class; an empty map when the bridge failed. */
    private static final Map<String, Map<String, Class<?>>> BRIDGES = new HashMap<String, Map<String, Class<?>>>();

    private BootBridge() {
    }

    /**
     * The forwarder of each of the module's hook classes (internal names), when {@code loader} resolves them to the
     * bridge; null when it does not (the library is then left unchanged). Makes the bridge at the module's first call.
     */
    static Map<String, String> reach(ClassLoader loader, InstrumentationModule module) {
        if (loader == null) {
            return null;
        }
        Map<String, Class<?>> forwarders = forwarders(module);
        if (forwarders.isEmpty()) {
            return null;
        }
        Map<String, String> owners = new HashMap<String, String>();
        for (Map.Entry<String, Class<?>> f : forwarders.entrySet()) {
            if (!resolves(loader, f.getValue())) {
                return null;
            }
            owners.put(f.getKey(), f.getValue().getName().replace('.', '/'));
        }
        return owners;
    }

    private static boolean resolves(ClassLoader loader, Class<?> forwarder) {
        try {
            return Class.forName(forwarder.getName(), false, loader) == forwarder;
        } catch (Throwable t) {
            return false;
        }
    }

    private static synchronized Map<String, Class<?>> forwarders(InstrumentationModule module) {
        Map<String, Class<?>> made = BRIDGES.get(module.name());
        if (made == null) {
            made = new HashMap<String, Class<?>>();
            try {
                made = make(module);
            } catch (Throwable t) {
                Log.warnOnce("bridge:" + module.name(), "instrumentation.bridge-failed", "library", module.library(),
                        "error", t, "action", "libraries in isolated class loaders are left unchanged");
            }
            BRIDGES.put(module.name(), made);
        }
        return made;
    }

    /** Generates the module's forwarders, appends them to the bootstrap search in a jar, and points them at the hooks. */
    private static Map<String, Class<?>> make(InstrumentationModule module) throws Exception {
        Instrumentation i = ModuleAccess.instrumentation(); // set when the transformer was installed
        if (i == null) {
            throw new IllegalStateException("no instrumentation");
        }
        Map<String, Map<String, String>> methods = hookMethods(module);
        // a random name, readable and writable by this user only (POSIX), in java.io.tmpdir; deleted at exit
        File jar = Files.createTempFile("lifeline-bridge-" + module.name() + "-", ".jar").toFile();
        jar.deleteOnExit();
        OutputStream file = new FileOutputStream(jar);
        try {
            JarOutputStream out = new JarOutputStream(file);
            for (Map.Entry<String, Map<String, String>> h : methods.entrySet()) {
                out.putNextEntry(new JarEntry(forwarderName(h.getKey()) + ".class"));
                out.write(forwarder(forwarderName(h.getKey()), h.getValue()));
                out.closeEntry();
            }
            out.close();
        } finally {
            file.close();
        }
        i.appendToBootstrapClassLoaderSearch(new JarFile(jar));
        Map<String, Class<?>> made = new HashMap<String, Class<?>>();
        for (Map.Entry<String, Map<String, String>> h : methods.entrySet()) {
            Class<?> hooks = Class.forName(h.getKey().replace('/', '.'), false, BootBridge.class.getClassLoader());
            Class<?> forwarder = Class.forName(forwarderName(h.getKey()).replace('/', '.'), true, null);
            int n = 0;
            for (Map.Entry<String, String> m : h.getValue().entrySet()) {
                forwarder.getField("h" + n++).set(null, target(hooks, m.getKey(), m.getValue()));
            }
            made.put(h.getKey(), forwarder);
        }
        Log.info("instrumentation.bridge", "library", module.library(), "jar", jar.getPath(),
                "reason", "a class loader that does not see the agent loads the library");
        return made;
    }

    /** The hook method itself (Lifeline's own class, so it may be made accessible). */
    static MethodHandle target(Class<?> hooks, String nameAndDescriptor, String descriptor) throws Exception {
        String name = nameAndDescriptor.substring(0, nameAndDescriptor.indexOf('('));
        Type[] args = Type.getArgumentTypes(descriptor);
        Class<?>[] types = new Class<?>[args.length];
        for (int a = 0; a < args.length; a++) {
            types[a] = classOf(args[a]);
        }
        Method m = hooks.getDeclaredMethod(name, types);
        m.setAccessible(true);
        return MethodHandles.lookup().unreflect(m);
    }

    private static Class<?> classOf(Type t) throws ClassNotFoundException {
        switch (t.getSort()) {
            case Type.BOOLEAN: return boolean.class;
            case Type.BYTE: return byte.class;
            case Type.CHAR: return char.class;
            case Type.SHORT: return short.class;
            case Type.INT: return int.class;
            case Type.LONG: return long.class;
            case Type.FLOAT: return float.class;
            case Type.DOUBLE: return double.class;
            default: return Class.forName(t.getClassName(), false, null); // hooks take JDK types only
        }
    }

    /** Per hook class: its methods woven code calls, "name+descriptor" → descriptor, in a fixed order. */
    static Map<String, Map<String, String>> hookMethods(InstrumentationModule module) {
        Map<String, Map<String, String>> out = new LinkedHashMap<String, Map<String, String>>();
        for (InstrumentedType t : module.types()) {
            for (Hook h : t.hooks) {
                Map<String, String> m = out.get(h.hookClass);
                if (m == null) {
                    m = new LinkedHashMap<String, String>();
                    out.put(h.hookClass, m);
                }
                if (h.isCallSite()) {
                    m.put(h.enter + h.redirectDescriptor(), h.redirectDescriptor());
                } else if (h.enter != null) {
                    String d = h.enterDescriptor(h.isConstructor());
                    m.put(h.enter + d, d);
                }
                if (h.exit != null) {
                    m.put(h.exit + h.exitDescriptor(), h.exitDescriptor());
                }
            }
        }
        return out;
    }

    /** {@code dev/lifeline/jsch/JschHooks} → {@code dev/lifeline/bridge/JschHooks}. */
    static String forwarderName(String hookClass) {
        return PACKAGE + hookClass.substring(hookClass.lastIndexOf('/') + 1);
    }

    /**
     * A public class with, per hook method {@code n}, a field {@code public static MethodHandle hN} and a static method
     * of the same name and descriptor that calls it with {@code invokeExact}. No branches, so no stack map frames.
     */
    static byte[] forwarder(String name, Map<String, String> methods) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, name, null, "java/lang/Object", null);
        String mh = "Ljava/lang/invoke/MethodHandle;";
        int n = 0;
        for (Map.Entry<String, String> m : methods.entrySet()) {
            String field = "h" + n++;
            cw.visitField(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC | Opcodes.ACC_VOLATILE, field, mh, null, null).visitEnd();
            String descriptor = m.getValue();
            String method = m.getKey().substring(0, m.getKey().indexOf('('));
            MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, method, descriptor, null, null);
            mv.visitCode();
            mv.visitFieldInsn(Opcodes.GETSTATIC, name, field, mh);
            int slot = 0;
            for (Type a : Type.getArgumentTypes(descriptor)) {
                mv.visitVarInsn(a.getOpcode(Opcodes.ILOAD), slot);
                slot += a.getSize();
            }
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/invoke/MethodHandle", "invokeExact", descriptor, false);
            mv.visitInsn(Type.getReturnType(descriptor).getOpcode(Opcodes.IRETURN));
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }
        cw.visitEnd();
        return cw.toByteArray();
    }
}
