package dev.lifeline.instrument;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A library in a named module (mwiede JSch 2.x ships {@code module com.jcraft.jsch}) opens none of its packages to
 * Lifeline, so the hooks' reflective access to its members fails. The JDK's door for agents is
 * {@code Instrumentation.redefineModule}: before a member of a library class is made accessible, its package is opened
 * to Lifeline's own module, once per package. On JDK 8 and for class path libraries (the unnamed module) this does
 * nothing. Written against Java 8, so the module API is reached by reflection.
 */
public final class ModuleAccess {
    private static volatile Instrumentation inst;
    /** Packages already opened (or found open), by module: "module@identity package". */
    private static final Set<String> OPENED = Collections.newSetFromMap(new ConcurrentHashMap<String, Boolean>());

    private ModuleAccess() {
    }

    /**
     * The runtime hands the instrumentation over when it installs the transformer (also for {@link BootBridge}, which
     * is loaded only when an isolated class loader needs it).
     */
    public static void use(Instrumentation instrumentation) {
        inst = instrumentation;
    }

    /** What {@link #use} was given, or null: {@link BootBridge} appends to the bootstrap search with it. */
    static Instrumentation instrumentation() {
        return inst;
    }

    /**
     * {@code member.setAccessible(true)}, opening its class's package to Lifeline first when the class is in a named
     * module that does not. Never throws: a member that stays inaccessible keeps the checked path (public members of
     * exported packages still work), and the caller's own error handling names what fails.
     *
     * <p>Tried first as it is: a library on the class path (the unnamed module, open to all) or in a package already
     * opened succeeds at once, and then nothing of the module API is looked up or called. Asking the module API first
     * for every member cost the first connect about 20 reflective calls of {@code getModule}/{@code isNamed}: past the
     * JDK's inflation threshold (15 calls of one {@code Method}), so two accessor classes were generated and defined,
     * with the generator's own 15 classes loaded, on the application's thread.
     */
    public static <T extends AccessibleObject> T accessible(T member) {
        try {
            member.setAccessible(true);
            return member;
        } catch (Throwable notOpen) {
            // a named module that does not open the package to Lifeline (InaccessibleObjectException): open it, retry
        }
        try {
            if (member instanceof Member) {
                openPackageOf(((Member) member).getDeclaringClass());
            }
            member.setAccessible(true);
        } catch (Throwable notOpen) {
            // stays as it is: see above
        }
        return member;
    }

    /** Opens {@code type}'s package to Lifeline's module if it is in a named module that does not open it. */
    static void openPackageOf(Class<?> type) throws Exception {
        Instrumentation i = inst;
        Method getModule = Modules.GET_MODULE;
        if (i == null || getModule == null || type.getPackage() == null) {
            return; // JDK 8, or not installed (tests): nothing to open
        }
        Object module = getModule.invoke(type);
        if (!(Boolean) Modules.IS_NAMED.invoke(module)) {
            return; // the class path: everything is open
        }
        String pkg = type.getPackage().getName();
        String key = System.identityHashCode(module) + " " + pkg;
        if (OPENED.contains(key)) {
            return;
        }
        Object own = getModule.invoke(ModuleAccess.class);
        if (!(Boolean) Modules.IS_OPEN.invoke(module, pkg, own)) {
            Map<String, Set<Object>> opens = Collections.singletonMap(pkg, Collections.singleton(own));
            Modules.REDEFINE.invoke(i, module, Collections.emptySet(), Collections.emptyMap(), opens,
                    Collections.emptySet(), Collections.emptyMap());
        }
        OPENED.add(key);
    }

    /** The JDK 9+ methods, looked up once; null on JDK 8. */
    private static final class Modules {
        static final Method GET_MODULE;
        static final Method IS_NAMED;
        static final Method IS_OPEN;
        static final Method REDEFINE;

        static {
            Method getModule = null;
            Method isNamed = null;
            Method isOpen = null;
            Method redefine = null;
            try {
                getModule = Class.class.getMethod("getModule");
                Class<?> module = Class.forName("java.lang.Module");
                isNamed = module.getMethod("isNamed");
                isOpen = module.getMethod("isOpen", String.class, module);
                redefine = Instrumentation.class.getMethod("redefineModule", module, Set.class, Map.class, Map.class,
                        Set.class, Map.class);
            } catch (Exception jdk8) {
                getModule = null;
            }
            GET_MODULE = getModule;
            IS_NAMED = isNamed;
            IS_OPEN = isOpen;
            REDEFINE = redefine;
        }
    }
}
