package dev.lifeline.instrument;

import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What was woven, per library copy: a covered library in one class loader, or a copy of it relocated into another
 * package. The weaver writes it (one map look-up when a library's class is first seen in a loader, one counter per
 * woven class); {@code status}, {@code attach} and the JMX view read it, so "protected" is said only of copies that
 * were checked and woven. Names no library: the modules' names come in as strings.
 */
public final class WovenLibraries {
    /** One copy. Written under the class lock, read by {@link #lines} under it too. */
    private static final class Copy {
        final String name;
        final String library;
        final String version;
        final String loader;
        final String relocatedTo;
        int wovenClasses;
        String refused;

        Copy(String name, String library, String version, String loader, String relocatedTo) {
            this.name = name;
            this.library = library;
            this.version = version;
            this.loader = loader;
            this.relocatedTo = relocatedTo;
        }

        boolean unprotected() {
            return refused != null || relocatedTo != null;
        }

        String line() {
            StringBuilder b = new StringBuilder(name).append(' ').append(version).append(" (")
                    .append(relocatedTo != null ? relocatedTo : library).append(") loader ").append(loader).append(": ");
            if (relocatedTo != null) {
                return b.append("NOT protected: a relocated copy of ").append(library)
                        .append(" (shaded into another package); Lifeline weaves only ").append(library).toString();
            }
            if (refused != null) {
                return b.append("NOT protected: ").append(refused).append("; left unchanged").toString();
            }
            if (wovenClasses == 0) {
                return b.append("seen, no class to weave loaded yet (woven as it loads)").toString();
            }
            return b.append("woven (").append(wovenClasses).append(wovenClasses == 1 ? " class)" : " classes)").toString();
        }
    }

    private static final Map<String, Copy> COPIES = new LinkedHashMap<String, Copy>();
    private static final int MAX_COPIES = 100;

    private WovenLibraries() {
    }

    private static String key(String name, ClassLoader loader, String relocatedTo) {
        return name + '@' + System.identityHashCode(loader) + (relocatedTo == null ? "" : ':' + relocatedTo);
    }

    private static Copy copy(String name, String library, ClassLoader loader, ProtectionDomain domain, String relocatedTo) {
        String key = key(name, loader, relocatedTo);
        Copy c = COPIES.get(key);
        if (c == null && COPIES.size() < MAX_COPIES) {
            c = new Copy(name, library, LibraryVersion.of(domain), describe(loader), relocatedTo);
            COPIES.put(key, c);
        }
        return c;
    }

    /** A class of library {@code name} was seen in {@code loader}. */
    static synchronized void seen(String name, String library, ClassLoader loader, ProtectionDomain domain) {
        copy(name, library, loader, domain, null);
    }

    static synchronized void woven(String name, String library, ClassLoader loader, ProtectionDomain domain) {
        Copy c = copy(name, library, loader, domain, null);
        if (c != null) {
            c.wovenClasses++;
        }
    }

    /** A class of the copy was left unchanged (isolated loader, members missing): the copy is not protected. */
    static synchronized void refused(String name, String library, ClassLoader loader, ProtectionDomain domain, String reason) {
        Copy c = copy(name, library, loader, domain, null);
        if (c != null && c.refused == null) {
            c.refused = reason;
        }
    }

    /** @return true the first time this relocated copy (package, loader) is seen: the caller logs it once */
    static synchronized boolean relocated(String name, String library, String relocatedTo, ClassLoader loader,
                                          ProtectionDomain domain) {
        String key = key(name, loader, relocatedTo);
        if (COPIES.containsKey(key)) {
            return false;
        }
        return copy(name, library, loader, domain, relocatedTo) != null;
    }

    /** One line per copy, in the order they were seen; empty when the JVM loaded no SSH library Lifeline knows. */
    public static synchronized List<String> lines() {
        List<String> out = new ArrayList<String>();
        for (Copy c : COPIES.values()) {
            out.add(c.line());
        }
        return out;
    }

    /** Whether a class of library {@code name} ("jsch") has been seen in any loader, relocated copies included. */
    public static synchronized boolean anySeen(String name) {
        for (Copy c : COPIES.values()) {
            if (c.name.equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Copies loaded and not protected (refused, relocated). */
    public static synchronized int unprotected() {
        int n = 0;
        for (Copy c : COPIES.values()) {
            if (c.unprotected()) {
                n++;
            }
        }
        return n;
    }

    private static String describe(ClassLoader loader) {
        if (loader == null) {
            return "bootstrap";
        }
        try {
            if (loader == ClassLoader.getSystemClassLoader()) {
                return "system";
            }
        } catch (Throwable ignored) {
            // described by class below
        }
        return loader.getClass().getName() + '@' + Integer.toHexString(System.identityHashCode(loader));
    }
}
