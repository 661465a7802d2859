package dev.lifeline.instrument;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The weave-time shape check of a whole module, muzzle-style: every required {@link LibraryMember} the module declares
 * is looked for in the library's class files, read through the library's own loader ({@code getResourceAsStream}:
 * nothing is loaded or initialised). A method is looked for in its owner and then up the owner's superclasses and
 * interfaces, as {@code getMethod} finds it; a field in the owner and its superclasses. Run once per library copy
 * (class loader), before its first class is woven: where a member is missing nothing of the library is woven.
 */
final class ModuleShape {
    private final ClassLoader loader;
    private final ClassBytes files = new ClassBytes();
    /** Class files read so far (internal name to shape; null when the loader has no such class). */
    private final Map<String, Node> read = new HashMap<String, Node>();

    private static final class Node {
        final ClassShape shape;
        final String superName;
        final String[] interfaces;

        Node(ClassShape shape, String superName, String[] interfaces) {
            this.shape = shape;
            this.superName = superName;
            this.interfaces = interfaces;
        }

        static Node of(ClassFile file, ClassShape shape) {
            int at = file.header + 4; // access_flags, this_class
            String superName = file.classNameAt(at);
            String[] interfaces = new String[file.u2(at + 2)];
            for (int i = 0; i < interfaces.length; i++) {
                interfaces[i] = file.classNameAt(at + 4 + 2 * i);
            }
            return new Node(shape, superName, interfaces);
        }
    }

    private ModuleShape(ClassLoader loader) {
        this.loader = loader;
    }

    /** What the library in {@code loader} lacks of {@code members} (the first one), or null when it has them all. */
    static String missing(List<LibraryMember> members, ClassLoader loader) {
        return missing(members, loader, null, null, null);
    }

    /**
     * {@link #missing(List, ClassLoader)}, with the class being woven ({@code internalName}) taken from the bytes the
     * transformer already holds and parsed ({@code file}, {@code shape}): that class is not read again through the
     * loader. It is often the library's largest (JSch's {@code Session}: 79 KB of 2.28.8's class file).
     */
    static String missing(List<LibraryMember> members, ClassLoader loader, String internalName, ClassFile file,
                          ClassShape shape) {
        ModuleShape check = new ModuleShape(loader);
        if (internalName != null) {
            try {
                check.read.put(internalName, Node.of(file, shape));
            } catch (Throwable t) {
                // read through the loader instead, as any other class
            }
        }
        try {
            for (LibraryMember m : members) {
                if (!m.isOptional() && !check.has(m)) {
                    return m.toString();
                }
            }
            return null;
        } finally {
            check.files.close();
        }
    }

    private boolean has(LibraryMember m) {
        String owner = m.owner.replace('.', '/');
        switch (m.kind) {
            case LibraryMember.TYPE:
                return node(owner) != null;
            case LibraryMember.FIELD:
            case LibraryMember.CONSTANT:
                return hasField(owner, m.name, 0, false) || hasField(owner, m.name, 0, true);
            case LibraryMember.CONSTRUCTOR: {
                Node n = node(owner);
                return n != null && n.shape.methods.containsKey("<init>" + m.descriptor);
            }
            default:
                return hasMethod(owner, m.name + m.descriptor, 0, false) || hasMethod(owner, m.name + m.descriptor, 0, true);
        }
    }

    /**
     * @param jdk whether the JDK's own types are read too: a member is first looked for in the library's types only,
     *            and the JDK's class files (read through a {@code jrt:} URL, whose first use costs milliseconds) only
     *            when the library's do not declare it. Every interface's superclass is {@code java/lang/Object}: a
     *            method an interface inherits from another would otherwise read it first.
     */
    private boolean hasField(String type, String name, int depth, boolean jdk) {
        Node n = type == null || depth > 32 || (!jdk && isJdk(type)) ? null : node(type);
        if (n == null) {
            return false;
        }
        return n.shape.fields.contains(name) || hasField(n.superName, name, depth + 1, jdk);
    }

    private boolean hasMethod(String type, String key, int depth, boolean jdk) {
        Node n = type == null || depth > 32 || (!jdk && isJdk(type)) ? null : node(type);
        if (n == null) {
            return false;
        }
        if (n.shape.methods.containsKey(key) || hasMethod(n.superName, key, depth + 1, jdk)) {
            return true;
        }
        for (String i : n.interfaces) {
            if (hasMethod(i, key, depth + 1, jdk)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isJdk(String internalName) {
        return internalName.startsWith("java/") || internalName.startsWith("javax/") || internalName.startsWith("jdk/")
                || internalName.startsWith("sun/");
    }

    private Node node(String internalName) {
        if (read.containsKey(internalName)) {
            return read.get(internalName);
        }
        Node n = load(internalName);
        read.put(internalName, n);
        return n;
    }

    private Node load(String internalName) {
        byte[] bytes = files.bytes(loader, internalName + ".class");
        if (bytes == null) {
            return null;
        }
        try {
            ClassFile file = new ClassFile(bytes);
            return Node.of(file, ClassShape.of(file, null));
        } catch (Throwable t) {
            return null;
        }
    }
}
