package dev.lifeline.sshj;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;

/**
 * sshj's members the hooks use, found by reflection once per class and cached ({@code ClassValue}): the agent cannot
 * link against sshj, which may live in a loader the agent's own loader cannot see, and nothing links to a version.
 */
final class SshjApi {
    private static final ClassValue<ConcurrentHashMap<String, Object>> MEMBERS = new ClassValue<ConcurrentHashMap<String, Object>>() {
        @Override
        protected ConcurrentHashMap<String, Object> computeValue(Class<?> type) {
            return new ConcurrentHashMap<String, Object>();
        }
    };
    private static final Object MISSING = new Object();

    private SshjApi() {
    }

    /** A field declared by the class or a superclass, made accessible; null when there is none. */
    static Field field(Class<?> type, String name) {
        ConcurrentHashMap<String, Object> m = MEMBERS.get(type);
        Object f = m.get("f:" + name);
        if (f == null) {
            f = MISSING;
            for (Class<?> c = type; c != null && f == MISSING; c = c.getSuperclass()) {
                try {
                    Field found = c.getDeclaredField(name);
                    found.setAccessible(true);
                    f = found;
                } catch (NoSuchFieldException next) {
                    // keep looking in the superclass
                }
            }
            m.put("f:" + name, f);
        }
        return f == MISSING ? null : (Field) f;
    }

    static Object get(Object target, String name) throws Exception {
        Field f = field(target.getClass(), name);
        return f == null ? null : f.get(target);
    }

    /** A public method (any superclass or interface), by name and parameter count. */
    static Method method(Class<?> type, String name, int params) throws NoSuchMethodException {
        ConcurrentHashMap<String, Object> m = MEMBERS.get(type);
        String key = "m:" + name + "/" + params;
        Object found = m.get(key);
        if (found == null) {
            found = MISSING;
            for (Method candidate : type.getMethods()) {
                if (candidate.getName().equals(name) && candidate.getParameterTypes().length == params) {
                    candidate.setAccessible(true);
                    found = candidate;
                    break;
                }
            }
            m.put(key, found);
        }
        if (found == MISSING) {
            throw new NoSuchMethodException(type.getName() + "." + name);
        }
        return (Method) found;
    }

    static Object call(Object target, String name, Object... args) throws Exception {
        try {
            return method(target.getClass(), name, args.length).invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception ? (Exception) cause : e;
        }
    }

    static int callInt(Object target, String name) throws Exception {
        return ((Number) call(target, name)).intValue();
    }
}
