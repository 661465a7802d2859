package dev.lifeline.instrument;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * One object per copy of a library (per class loader), found from any of the library's objects: how every module's
 * {@code *Api} caches the members it resolved. A {@code ClassValue} per class holds it (so it goes with the library's
 * classes), shared by all the classes of one loader through a weak map (so a loader's members are resolved once).
 */
public abstract class PerLoader<T> {
    private final Map<ClassLoader, WeakReference<T>> byLoader = new WeakHashMap<ClassLoader, WeakReference<T>>();
    private final ClassValue<T> byClass = new ClassValue<T>() {
        @Override
        protected T computeValue(Class<?> type) {
            ClassLoader loader = type.getClassLoader();
            synchronized (byLoader) {
                WeakReference<T> ref = byLoader.get(loader);
                T api = ref == null ? null : ref.get();
                if (api == null) {
                    try {
                        api = create(loader);
                    } catch (Exception e) {
                        throw new IllegalStateException("library members not found from " + type.getName(), e);
                    }
                    byLoader.put(loader, new WeakReference<T>(api));
                }
                return api;
            }
        }
    };

    /** Resolves the members from the module's declarations; throws when a required one is missing. */
    protected abstract T create(ClassLoader loader) throws Exception;

    /** For any object of the library. */
    public final T of(Object libraryObject) {
        return byClass.get(libraryObject.getClass());
    }

    /** For a class of the library. */
    public final T ofType(Class<?> libraryClass) {
        return byClass.get(libraryClass);
    }
}
