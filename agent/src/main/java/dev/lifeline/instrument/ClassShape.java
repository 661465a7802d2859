package dev.lifeline.instrument;

import net.bytebuddy.jar.asm.Opcodes;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a class file declares, read before weaving: its fields, its methods with their access flags, and for the
 * methods in {@code codeOf} the number of local slots (a hook's state goes in the slot after the last one).
 */
final class ClassShape {
    static final int ASM_API = Opcodes.ASM9;

    int version;
    final Set<String> fields = new HashSet<String>();
    /** name + descriptor to access flags. */
    final Map<String, Integer> methods = new HashMap<String, Integer>();
    final Map<String, Integer> maxLocals = new HashMap<String, Integer>();

    static ClassShape of(byte[] bytes, final Set<String> codeOf) {
        return of(new ClassFile(bytes), codeOf);
    }

    /**
     * With the class file the patcher uses next: its constant pool is indexed once. The members are read straight from
     * the class file structure, not through a visitor: no method's code is decoded here, the {@code Code} attribute's
     * {@code max_locals} is all that is needed of it.
     */
    static ClassShape of(ClassFile in, final Set<String> codeOf) {
        final ClassShape shape = new ClassShape();
        shape.version = in.majorVersion(); // minor_version (bytes 4-5) is not needed
        int at = in.header + 6; // access_flags, this_class, super_class
        at += 2 + 2 * in.u2(at); // interfaces
        int fieldCount = in.u2(at);
        at += 2;
        for (int i = 0; i < fieldCount; i++) {
            shape.fields.add(in.utf8At(at + 2));
            at = in.skipAttributes(at + 6);
        }
        int methodCount = in.u2(at);
        at += 2;
        for (int i = 0; i < methodCount; i++) {
            int access = in.u2(at);
            String key = in.utf8At(at + 2) + in.utf8At(at + 4);
            shape.methods.put(key, access);
            boolean wantCode = codeOf != null && codeOf.contains(key);
            int attributes = in.u2(at + 6);
            at += 8;
            for (int j = 0; j < attributes; j++) {
                int length = in.u4(at + 2);
                if (wantCode && "Code".equals(in.utf8At(at))) {
                    shape.maxLocals.put(key, in.u2(at + 8)); // after max_stack
                }
                at += 6 + length;
            }
        }
        return shape;
    }

    /**
     * A library class file's bytes as the library's loader finds them ({@link ClassBytes}: nothing is loaded), or
     * null when absent or unreadable.
     */
    static byte[] readResource(ClassLoader loader, String resource) {
        return ClassBytes.read(loader, resource);
    }
}
