package dev.lifeline.instrument;

import java.lang.reflect.Method;

/**
 * Tells a class of the JDK's own named modules (java.base, java.management...) from every other, without asking its
 * name. {@code Class.getName()} keeps the name it builds in the class for good: a scan of every loaded class that asked
 * each one left some 2,000 JDK class names (about 150 KB) in the heap of every JVM a deferred start looked at (row 7).
 * No class of a JDK module belongs to an SSH library, relocated or not. On Java 8 (no modules) nothing is one.
 */
final class JdkClasses {
    /** {@code Class.getModule()} and {@code Module.isNamed()}, or null on Java 8. */
    private static final Method GET_MODULE;
    private static final Method IS_NAMED;
    /** {@code ClassLoader.getPlatformClassLoader()}, or null on Java 8. */
    private static final ClassLoader PLATFORM;

    static {
        Method getModule = null;
        Method isNamed = null;
        ClassLoader platform = null;
        try {
            getModule = Class.class.getMethod("getModule");
            isNamed = getModule.getReturnType().getMethod("isNamed");
            platform = (ClassLoader) ClassLoader.class.getMethod("getPlatformClassLoader").invoke(null);
        } catch (Throwable t) {
            getModule = null; // Java 8: every class is looked at by name, as before
            isNamed = null;
        }
        GET_MODULE = getModule;
        IS_NAMED = isNamed;
        PLATFORM = platform;
    }

    private JdkClasses() {
    }

    /** Defined by the boot or platform loader in a named module: the JDK's (an app's -Xbootclasspath/a is unnamed). */
    static boolean isJdkModuleClass(Class<?> c) {
        if (GET_MODULE == null) {
            return false;
        }
        ClassLoader loader = c.getClassLoader();
        if (loader != null && loader != PLATFORM) {
            return false;
        }
        try {
            return (Boolean) IS_NAMED.invoke(GET_MODULE.invoke(c));
        } catch (Throwable t) {
            return false;
        }
    }
}
