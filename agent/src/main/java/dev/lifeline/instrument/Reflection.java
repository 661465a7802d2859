package dev.lifeline.instrument;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/** Calling members a module resolved ({@link LibraryMember}), with the library's own exception rethrown. */
public final class Reflection {
    private Reflection() {
    }

    /** The library's own exception, not the reflective wrapper. */
    public static Object call(Method m, Object target, Object... args) throws Exception {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw e;
        }
    }

    public static Object create(Constructor<?> c, Object... args) throws Exception {
        try {
            return c.newInstance(args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw e;
        }
    }

    /**
     * The constructor of a proxy class for a library's listener interface in the library's loader, so a listener can
     * be made per call without {@code newProxyInstance} looking the class up again each time.
     */
    @SuppressWarnings("deprecation")
    public static Constructor<?> proxyConstructor(ClassLoader loader, Class<?> listenerType) {
        try {
            return java.lang.reflect.Proxy.getProxyClass(loader, listenerType).getConstructor(java.lang.reflect.InvocationHandler.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A field's value, or null when the field is missing (null) or unreadable. */
    public static Object readQuietly(Field f, Object target) {
        if (f == null || target == null) {
            return null;
        }
        try {
            return f.get(target);
        } catch (Throwable t) {
            return null;
        }
    }
}
