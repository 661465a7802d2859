package dev.lifeline.instrument;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM's live threads and what they run, for finding the SSH sessions already open when Lifeline is attached
 * (issue 24): a session's reader thread is often the only thing that still reaches it. JDK types only; no library is
 * named here. The task a {@code Thread} was given is in its private {@code target} field (JDK 8 to 18) or in
 * {@code holder.task} (JDK 19+), in {@code java.base}: {@link ModuleAccess} opens {@code java.lang} to Lifeline with the
 * agent's {@code Instrumentation} first. Every method returns empty rather than throw.
 */
public final class LiveThreads {
    private LiveThreads() {
    }

    /** Every live thread, from the root thread group (no stack is walked: no safepoint for a thread dump). */
    public static List<Thread> all() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root != null && root.getParent() != null) {
            root = root.getParent();
        }
        List<Thread> out = new ArrayList<Thread>();
        if (root == null) {
            return out;
        }
        Thread[] threads = new Thread[root.activeCount() + 16];
        int n;
        while ((n = root.enumerate(threads, true)) == threads.length) {
            threads = new Thread[threads.length * 2];
        }
        for (int i = 0; i < n; i++) {
            if (threads[i] != null && threads[i].isAlive()) {
                out.add(threads[i]);
            }
        }
        return out;
    }

    /** The {@code Runnable} the thread was created with, or null (none, or unreadable on this JDK). */
    public static Object task(Thread t) {
        try {
            Field target = Fields.TARGET;
            if (target != null) {
                return target.get(t);
            }
            Field holder = Fields.HOLDER;
            Object h = holder == null ? null : holder.get(t);
            Field task = h == null ? null : accessible(h.getClass(), "task");
            return task == null ? null : task.get(h);
        } catch (Throwable e) {
            return null;
        }
    }

    /**
     * The objects an instance holds in its own instance fields (a lambda's captured arguments, a wrapper's delegate),
     * non-null and not primitive: how a library object is reached through a {@code Runnable} that is not the library's
     * own class (JSch 0.2+ starts its reader with {@code this::run}, a lambda capturing the session).
     */
    public static List<Object> captured(Object instance) {
        return captured(instance, true);
    }

    /**
     * {@link #captured(Object)}; with {@code openModules} false, a class in a named module that does not open its
     * package to Lifeline is not opened (nothing is read from it): for objects that are only looked through, not
     * the library's own.
     */
    public static List<Object> captured(Object instance, boolean openModules) {
        List<Object> out = new ArrayList<Object>();
        if (instance == null) {
            return out;
        }
        try {
            for (Field f : instance.getClass().getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                    continue;
                }
                if (openModules) {
                    ModuleAccess.accessible(f);
                } else {
                    f.setAccessible(true); // throws where the package is not open: nothing read from this class
                }
                Object v = f.get(instance);
                if (v != null) {
                    out.add(v);
                }
            }
        } catch (Throwable e) {
            // a class whose fields cannot be read: nothing reached through it
        }
        return out;
    }

    /**
     * The threads among {@code threads} with a frame of {@code className.method} on their stack: one stack dump of
     * all threads (a safepoint, as {@code jstack} takes), so only for a library loaded in the JVM and once per attach.
     */
    public static List<Thread> running(List<Thread> threads, String className, String method) {
        List<Thread> out = new ArrayList<Thread>();
        try {
            java.util.Map<Thread, StackTraceElement[]> stacks = Thread.getAllStackTraces();
            for (Thread t : threads) {
                StackTraceElement[] frames = stacks.get(t);
                for (int i = frames == null ? 0 : frames.length - 1; i >= 0; i--) {
                    if (frames[i].getClassName().equals(className) && frames[i].getMethodName().equals(method)) {
                        out.add(t);
                        break;
                    }
                }
            }
        } catch (Throwable e) {
            // no stacks (a security manager): none found
        }
        return out;
    }

    /** Whether {@code o}'s class or one of its superclasses is named {@code className} (no class loaded for it). */
    public static boolean isA(Object o, String className) {
        for (Class<?> c = o == null ? null : o.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(className)) {
                return true;
            }
        }
        return false;
    }

    private static Field accessible(Class<?> owner, String name) {
        try {
            return ModuleAccess.accessible(owner.getDeclaredField(name));
        } catch (Throwable e) {
            return null;
        }
    }

    /** Looked up once: {@code Thread.target} before JDK 19, else {@code Thread.holder}. */
    private static final class Fields {
        static final Field TARGET = accessible(Thread.class, "target");
        static final Field HOLDER = TARGET == null ? accessible(Thread.class, "holder") : null;
    }
}
