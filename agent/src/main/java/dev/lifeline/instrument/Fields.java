package dev.lifeline.instrument;

import java.lang.reflect.Field;

/** Reading a library's private field by name, for hooks that link against no library version. */
public final class Fields {
    private Fields() {
    }

    /** The field's value, looked up in the class and its superclasses; null when absent or unreadable. */
    public static Object readQuietly(Object target, String name) {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = ModuleAccess.accessible(c.getDeclaredField(name));
                return f.get(target);
            } catch (NoSuchFieldException next) {
                // keep looking in the superclass
            } catch (Throwable t) {
                return null;
            }
        }
        return null;
    }
}
