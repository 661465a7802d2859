package dev.lifeline.instrument;

import java.util.List;

/**
 * One SSH library as the weaver sees it: its package, the types hooks go into, and the class its hooks are reached
 * through. Adding a library is adding a module to {@code runtime/Libraries}; nothing in this package names a library.
 */
public interface InstrumentationModule {
    /** Short name, as log lines' {@code lib=} field: {@code jsch}. */
    String name();

    /** The library in log lines, as its package: {@code com.jcraft.jsch}. */
    String library();

    /** Every class of the library starts with this internal name prefix ({@code com/jcraft/jsch/}). */
    String packagePrefix();

    /**
     * A hook class: the library's class loader must resolve its name to this very class, or the library is left
     * unchanged (an isolated loader that does not delegate to the system class path).
     */
    Class<?> hookClass();

    List<InstrumentedType> types();

    /**
     * Every library member the module's code reaches by reflection (its {@code *Api} resolves these and nothing else).
     * The required ones are checked on the library's class files before its first class is woven ({@link ModuleShape}):
     * a library copy that lacks one is left unchanged, with one {@code instrumentation.unsupported} line.
     */
    List<LibraryMember> members();

    /**
     * Two class names, relative to {@link #packagePrefix()}, that together identify a copy of the library whose package
     * was renamed entirely (a vendor's relocation that keeps class names but not the package, so that the package
     * suffix does not show it): the first is watched for, the second confirms it in the same loader. Null: none.
     */
    String[] relocationSignature();
}
