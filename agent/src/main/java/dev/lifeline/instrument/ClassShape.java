package dev.lifeline.instrument;

import net.bytebuddy.jar.asm.ClassReader;
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

    /**
     * With the reader the weaver uses next: its constant pool is scanned once, not once per pass. The members are read
     * straight from the class file structure (names through the reader's constant pool), not through a visitor: no
     * method's code is decoded here, the {@code Code} attribute's {@code max_locals} is all that is needed of it (a
     * visitor pass decoded every instruction of JSch's long {@code Session.connect} only to reach {@code visitMaxs}).
     */
    static ClassShape of(ClassReader reader, final Set<String> codeOf) {
        final ClassShape shape = new ClassShape();
        shape.version = reader.readUnsignedShort(6); // major_version; minor_version (bytes 4-5) is not needed
        char[] buf = new char[reader.getMaxStringLength()];
        int at = reader.header + 6; // access_flags, this_class, super_class
        at += 2 + 2 * reader.readUnsignedShort(at); // interfaces
        int fieldCount = reader.readUnsignedShort(at);
        at += 2;
        for (int i = 0; i < fieldCount; i++) {
            shape.fields.add(reader.readUTF8(at + 2, buf));
            at = skipAttributes(reader, at + 6);
        }
        int methodCount = reader.readUnsignedShort(at);
        at += 2;
        for (int i = 0; i < methodCount; i++) {
            int access = reader.readUnsignedShort(at);
            String key = reader.readUTF8(at + 2, buf) + reader.readUTF8(at + 4, buf);
            shape.methods.put(key, access);
            boolean wantCode = codeOf != null && codeOf.contains(key);
            int attributes = reader.readUnsignedShort(at + 6);
            at += 8;
            for (int j = 0; j < attributes; j++) {
                int length = reader.readInt(at + 2);
                if (wantCode && "Code".equals(reader.readUTF8(at, buf))) {
                    shape.maxLocals.put(key, reader.readUnsignedShort(at + 8)); // after max_stack
                }
                at += 6 + length;
            }
        }
        return shape;
    }

    /** @return the offset after the attributes that start at {@code at} (with their count) */
    private static int skipAttributes(ClassReader reader, int at) {
        int count = reader.readUnsignedShort(at);
        at += 2;
        for (int i = 0; i < count; i++) {
            at += 6 + reader.readInt(at + 2);
        }
        return at;
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
