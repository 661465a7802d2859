package dev.lifeline.instrument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * One library class and the hooks woven into it. The hooked methods are checked on the class bytes before weaving (the
 * members the module's code reaches are its {@link LibraryMember}s, checked for the whole library first): a version
 * without them is left exactly as it is (one log line), never half-instrumented. Several entries may name one class
 * (one per library line, told apart by a {@link LibraryRequirement}).
 */
public final class InstrumentedType {
    final String internalName;
    final List<Hook> hooks = new ArrayList<Hook>();
    LibraryRequirement requirement;

    private InstrumentedType(String className) {
        this.internalName = className.replace('.', '/');
    }

    public static InstrumentedType named(String className) {
        return new InstrumentedType(className);
    }

    public InstrumentedType hooks(Hook... added) {
        hooks.addAll(Arrays.asList(added));
        return this;
    }

    /** Woven only where the library around the class has this (checked on the other class's bytes). */
    public InstrumentedType when(LibraryRequirement r) {
        requirement = r;
        return this;
    }

    public String className() {
        return internalName.replace('/', '.');
    }

    public String internalName() {
        return internalName;
    }

    public List<Hook> hookList() {
        return Collections.unmodifiableList(hooks);
    }
}
