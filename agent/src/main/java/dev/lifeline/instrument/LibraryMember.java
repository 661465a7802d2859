package dev.lifeline.instrument;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * One member of a library that a module reaches by reflection: a class, a method, a field, a public constant or a
 * constructor, with the class that declares it. A module declares every one it uses (muzzle's references, written by
 * hand): {@link ModuleShape} resolves the required ones on the class files before the first class of the library is
 * woven, and the module's {@code *Api} resolves the same declarations into {@code java.lang.reflect} members. Library
 * packages do no reflective look-up of their own (a unit test checks it), so nothing a module calls can be missing
 * where its library was woven.
 *
 * <p>A method is found as {@link Class#getMethod} finds it: declared by the owner or inherited (the check walks the
 * owner's superclasses and interfaces); a non-public one ({@link #declaredOnly}) by walking the superclasses of the
 * object it is called on. A field is looked up by name from the class of the object it is read from, up its
 * superclasses (the owner names where the library declares it). Optional members exist only in some versions or jars
 * of the library ({@link #optional}): the check skips them, and the code that uses one copes with its absence.
 */
public final class LibraryMember {
    static final int TYPE = 0;
    static final int METHOD = 1;
    static final int FIELD = 2;
    static final int CONSTANT = 3;
    static final int CONSTRUCTOR = 4;

    final int kind;
    final String owner;
    final String name;
    /** A method's or constructor's JVM descriptor; null for the other kinds. */
    final String descriptor;
    String optional;
    boolean declaredOnly;

    private LibraryMember(int kind, String owner, String name, String descriptor) {
        this.kind = kind;
        this.owner = owner;
        this.name = name;
        this.descriptor = descriptor;
    }

    /** A class or interface of the library (for {@code isInstance}, a proxy, a parameter type). */
    public static LibraryMember type(String className) {
        return new LibraryMember(TYPE, className, null, null);
    }

    /** A method declared by {@code owner} or a supertype of it; static or not. */
    public static LibraryMember method(String owner, String name, String descriptor) {
        return new LibraryMember(METHOD, owner, name, descriptor);
    }

    /** A field, read from an object whose class is {@code owner} or a subclass of it. */
    public static LibraryMember field(String owner, String name) {
        return new LibraryMember(FIELD, owner, name, null);
    }

    /** A public static field's value (an enum constant, a property holder's constant). */
    public static LibraryMember constant(String owner, String name) {
        return new LibraryMember(CONSTANT, owner, name, null);
    }

    public static LibraryMember constructor(String owner, String descriptor) {
        return new LibraryMember(CONSTRUCTOR, owner, "<init>", descriptor);
    }

    /** Present in some versions or jars only: not checked before weaving; its user copes when it is missing. */
    public LibraryMember optional(String why) {
        optional = why;
        return this;
    }

    /** A non-public method: found among the methods the object's class and its superclasses declare. */
    public LibraryMember declaredOnly() {
        declaredOnly = true;
        return this;
    }

    public boolean isOptional() {
        return optional != null;
    }

    public String ownerName() {
        return owner;
    }

    // ---- resolution: the only reflective look-ups of library members in the agent ----

    /** The owner class in {@code loader}, not initialised. */
    public Class<?> ownerIn(ClassLoader loader) throws ClassNotFoundException {
        return Class.forName(owner, false, loader);
    }

    /** The owner class in {@code loader}, or null where this loader has none (an optional jar, an older version). */
    public Class<?> ownerInOrNull(ClassLoader loader) {
        try {
            return ownerIn(loader);
        } catch (Throwable absent) {
            return null;
        }
    }

    /** A public method through the owner type (so calls work on the library's non-public implementation classes). */
    public Method method(ClassLoader loader) throws Exception {
        require(METHOD);
        return accessible(ownerIn(loader).getMethod(name, parameterTypes(loader)));
    }

    /** {@link #method}, or null where this loader's copy of the library has none. */
    public Method methodOrNull(ClassLoader loader) {
        try {
            return method(loader);
        } catch (Throwable absent) {
            return null;
        }
    }

    /** A non-public method ({@link #declaredOnly}) of {@code type} or a superclass, made accessible; null when none. */
    public Method declaredMethodOf(Class<?> type) {
        require(METHOD);
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                return accessible(c.getDeclaredMethod(name, parameterTypes(c.getClassLoader())));
            } catch (NoSuchMethodException next) {
                // keep looking in the superclass
            } catch (Throwable t) {
                return null;
            }
        }
        return null;
    }

    /** The field as declared by {@code type} or a superclass, made accessible; null when none. */
    public Field fieldOf(Class<?> type) {
        require(FIELD);
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                return accessible(c.getDeclaredField(name));
            } catch (NoSuchFieldException next) {
                // keep looking in the superclass
            } catch (Throwable t) {
                return null;
            }
        }
        return null;
    }

    /** The field of the owner class in {@code loader} (or a superclass of it). */
    public Field field(ClassLoader loader) throws Exception {
        Field f = fieldOf(ownerIn(loader));
        if (f == null) {
            throw new NoSuchFieldException(owner + "." + name);
        }
        return f;
    }

    /** A public static field's value. */
    public Object constant(ClassLoader loader) throws Exception {
        require(CONSTANT);
        return ownerIn(loader).getField(name).get(null);
    }

    /** {@link #constant}, or null where this loader's copy of the library has none. */
    public Object constantOrNull(ClassLoader loader) {
        try {
            return constant(loader);
        } catch (Throwable absent) {
            return null;
        }
    }

    public Constructor<?> constructor(ClassLoader loader) throws Exception {
        require(CONSTRUCTOR);
        return accessible(ownerIn(loader).getConstructor(parameterTypes(loader)));
    }

    private void require(int k) {
        if (kind != k) {
            throw new IllegalStateException(this + " is not a " + (k == METHOD ? "method" : k == FIELD ? "field"
                    : k == CONSTANT ? "constant" : "constructor"));
        }
    }

    /**
     * Also for public members: {@code invoke} then skips its access check (a caller-class stack walk) per call. A
     * library in a named module has its package opened to Lifeline first ({@link ModuleAccess}).
     */
    private static <T extends AccessibleObject> T accessible(T member) {
        return ModuleAccess.accessible(member);
    }

    private Class<?>[] parameterTypes(ClassLoader loader) throws ClassNotFoundException {
        List<String> types = Hook.argumentTypes(descriptor);
        Class<?>[] out = new Class<?>[types.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = classOf(types.get(i), loader);
        }
        return out;
    }

    private static Class<?> classOf(String type, ClassLoader loader) throws ClassNotFoundException {
        switch (type.charAt(0)) {
            case 'Z':
                return boolean.class;
            case 'B':
                return byte.class;
            case 'C':
                return char.class;
            case 'S':
                return short.class;
            case 'I':
                return int.class;
            case 'J':
                return long.class;
            case 'F':
                return float.class;
            case 'D':
                return double.class;
            case '[':
                return Class.forName(type.replace('/', '.'), false, loader);
            default:
                return Class.forName(type.substring(1, type.length() - 1).replace('/', '.'), false, loader);
        }
    }

    /** Every member of {@code all} that must be there for the module to be woven. */
    static List<LibraryMember> required(List<LibraryMember> all) {
        List<LibraryMember> out = new ArrayList<LibraryMember>();
        for (LibraryMember m : all) {
            if (!m.isOptional()) {
                out.add(m);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        switch (kind) {
            case TYPE:
                return "class " + owner;
            case FIELD:
            case CONSTANT:
                return "field " + owner + "." + name;
            default:
                return "method " + owner + "." + name + descriptor;
        }
    }
}
