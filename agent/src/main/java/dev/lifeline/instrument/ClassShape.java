package dev.lifeline.instrument;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
        return of(new ClassReader(bytes), codeOf);
    }

    /** With the reader the weaver uses next: its constant pool is scanned once, not once per pass. */
    static ClassShape of(ClassReader reader, final Set<String> codeOf) {
        final ClassShape shape = new ClassShape();
        reader.accept(new ClassVisitor(ASM_API) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                shape.version = version & 0xFFFF;
            }

            @Override
            public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
                shape.fields.add(name);
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                final String key = name + descriptor;
                shape.methods.put(key, access);
                if (codeOf == null || !codeOf.contains(key)) {
                    return null;
                }
                return new MethodVisitor(ASM_API) {
                    @Override
                    public void visitMaxs(int maxStack, int locals) {
                        shape.maxLocals.put(key, locals);
                    }
                };
            }
        }, codeOf == null ? ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES
                : ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return shape;
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
