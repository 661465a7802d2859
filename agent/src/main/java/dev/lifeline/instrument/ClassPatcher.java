package dev.lifeline.instrument;

import net.bytebuddy.jar.asm.Opcodes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Weaves hooks into a class file in place: the constant pool is kept as it is with the hooks' entries appended, every
 * method but the hooked ones is copied as raw bytes, and only the hooked methods' {@code Code} attributes are rewritten
 * (code, exception table, frames, line and local variable tables, their offsets shifted by the inserted calls).
 * A call-site hook ({@link Hook#onCall}) rewrites the calls it names in every method's code in place, one instruction
 * for another of the same length ({@link #redirectCalls}): JSch's {@code ChannelSftp}, loaded with {@code Channel} at
 * the first connect whatever the application does, was the one class left to ASM, and it loaded 29 ASM classes there.
 *
 * <p>Why not ASM's {@code ClassWriter}: given the reader, it still copies the constant pool into a symbol table, one
 * decoded entry at a time. For JSch's {@code Session} that was most of the first weave's cost, and it made ASM's code hot
 * enough for the JIT to compile (measured in src/docs/measurements.md). This patcher decodes no constant and builds no
 * table: it emits the same instructions as {@link HookWeaver}, which stays as the fallback for what it does not handle
 * ({@link Unsupported}: a jump that no longer fits 16 bits, an unknown attribute in a hooked method's code, ...).
 *
 * <p>Three layers, one class each: this one works on the class file (finds the hooked methods' {@code Code}
 * attributes, writes the file back with them replaced, and appends to the constant pool the entries the inserted code
 * names); {@link CodeRewriter} rewrites one method's {@code Code} attribute; {@link FrameRewriter} its stack map
 * frames. The pool is kept here rather than in a class of its own: these classes load at the first class of an SSH
 * library, inside the application's first connect, and each one more is a class to load and verify there.
 */
final class ClassPatcher {
    /**
     * What the patcher does not handle in a well-formed class; the class is then woven by {@link HookWeaver}. A class
     * file it finds damaged ends in an {@code IllegalArgumentException} instead: the class is left as it was.
     */
    static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;

        Unsupported(String why) {
            super(why, null, false, false);
        }
    }

    /** The class file's bytes; a copy with the call sites redirected when a call-site hook asks for that. */
    final byte[] in;
    final ClassFile file;
    final String owner;
    final int thisClass;
    final boolean frames;
    private final Bytes pool = new Bytes();
    private final Map<String, Integer> added = new HashMap<String, Integer>();
    private int nextIndex;

    /**
     * Per constant pool index: the call-site hook whose call the Methodref or InterfaceMethodref there names, or null;
     * null altogether without call-site hooks.
     */
    private final Hook[] redirected;

    private ClassPatcher(ClassFile file, String owner, int version, Hook[] redirected) {
        this.in = redirected == null ? file.bytes : file.bytes.clone(); // the transformer's buffer is not ours to change
        this.redirected = redirected;
        this.file = file;
        this.owner = owner;
        this.thisClass = file.u2(file.header + 2);
        this.frames = version >= Opcodes.V1_6;
        this.nextIndex = file.constantCount();
    }

    /** @param hooks by name + descriptor of the library method */
    static byte[] weave(ClassFile in, String owner, ClassShape shape, Map<String, Hook> hooks) throws Unsupported {
        return new ClassPatcher(in, owner, shape.version, redirected(in, hooks)).patch(hooks);
    }

    /**
     * The method references of the constant pool that call-site hooks name, by index; null when there are no call-site
     * hooks. Names are compared as bytes: no constant is decoded for a reference that is not one of them.
     */
    private static Hook[] redirected(ClassFile file, Map<String, Hook> hooks) {
        Hook[] out = null;
        for (Hook h : hooks.values()) {
            if (!h.isCallSite()) {
                continue;
            }
            if (out == null) {
                out = new Hook[file.constantCount()];
            }
            for (int i = 1; i < out.length; i++) {
                int at = file.entry(i);
                int tag = at == 0 ? 0 : file.u1(at);
                if (tag == 10 || tag == 11) { // Methodref, InterfaceMethodref: class, name and type
                    int nameAndType = file.entry(file.u2(at + 3));
                    if (file.utf8Is(file.u2(nameAndType + 1), h.method) && file.utf8Is(file.u2(nameAndType + 3), h.descriptor)
                            && file.utf8Is(file.u2(file.entry(file.u2(at + 1)) + 1), h.callOwner)) {
                        out[i] = h;
                    }
                }
            }
        }
        return out;
    }

    /**
     * Replaces, in one method's code, each {@code invokevirtual} or {@code invokeinterface} of a redirected reference by
     * an {@code invokestatic} of its hook: the receiver and the arguments stay on the stack, the hook returns what the
     * call would, and {@code invokeinterface}'s two extra bytes become NOPs, so no offset, frame or handler moves and
     * the method is otherwise copied as it is (or rewritten for its own hook, from these bytes).
     */
    private void redirectCalls(int codeAttribute, String name) throws Unsupported {
        int codeLength = u4(codeAttribute + 10);
        int codeStart = codeAttribute + 14;
        int p = 0;
        while (p < codeLength) {
            int op = in[codeStart + p] & 0xFF;
            int length = CodeRewriter.length(in, codeStart, codeLength, p, name);
            if (op == Opcodes.INVOKEVIRTUAL || op == Opcodes.INVOKEINTERFACE) {
                Hook h = redirected[u2(codeStart + p + 1)];
                if (h != null) {
                    int index = methodIndex(h.hookClass, h.enter, h.redirectDescriptor());
                    in[codeStart + p] = (byte) Opcodes.INVOKESTATIC;
                    in[codeStart + p + 1] = (byte) (index >>> 8);
                    in[codeStart + p + 2] = (byte) index;
                    for (int k = 3; k < length; k++) {
                        in[codeStart + p + k] = Opcodes.NOP;
                    }
                }
            }
            p += length;
        }
    }

    private byte[] patch(Map<String, Hook> hooks) throws Unsupported {
        int at = file.header + 6;
        at += 2 + 2 * u2(at); // interfaces
        int fieldCount = u2(at);
        at += 2;
        for (int i = 0; i < fieldCount; i++) {
            at = file.skipAttributes(at + 6);
        }
        int methodCount = u2(at);
        at += 2;
        List<int[]> replaced = new ArrayList<int[]>(); // {start, end} of the old Code attributes
        List<byte[]> replacements = new ArrayList<byte[]>();
        for (int i = 0; i < methodCount; i++) {
            int access = u2(at);
            String name = file.utf8At(at + 2);
            String descriptor = file.utf8At(at + 4);
            Hook hook = hooks.get(name + descriptor);
            int attributes = u2(at + 6);
            at += 8;
            for (int j = 0; j < attributes; j++) {
                int end = at + 6 + u4(at + 2);
                if (redirected != null && "Code".equals(file.utf8At(at))) {
                    redirectCalls(at, name); // before a hook of the method's own, whose inserted calls stay as they are
                }
                if (hook != null && "Code".equals(file.utf8At(at))) {
                    replaced.add(new int[]{at, end});
                    replacements.add(new CodeRewriter(this, hook, access, name, descriptor, at).code());
                }
                at = end;
            }
        }
        if (nextIndex > 0xFFFF) {
            throw new Unsupported("constant pool full");
        }
        int size = in.length + pool.length();
        for (int i = 0; i < replaced.size(); i++) {
            size += replacements.get(i).length - (replaced.get(i)[1] - replaced.get(i)[0]);
        }
        Bytes out = new Bytes(size); // exactly: the class file is written once, never grown or copied (JSch's Session: 79 KB)
        out.write(in, 0, 8);
        out.u2(nextIndex);
        out.write(in, 10, file.header - 10);
        out.write(pool.array(), 0, pool.length());
        int from = file.header;
        for (int i = 0; i < replaced.size(); i++) {
            out.write(in, from, replaced.get(i)[0] - from);
            out.write(replacements.get(i), 0, replacements.get(i).length);
            from = replaced.get(i)[1];
        }
        out.write(in, from, in.length - from);
        return out.toArray();
    }

    // The constants the inserted code names, appended after the class's own: each added once, its index remembered.

    int utf8Index(String s) {
        Integer known = added.get("u:" + s);
        if (known != null) {
            return known;
        }
        pool.u1(1);
        int lengthAt = pool.length();
        pool.u2(0);
        for (int i = 0; i < s.length(); i++) { // modified UTF-8, as the class file format wants
            char c = s.charAt(i);
            if (c >= 1 && c < 0x80) {
                pool.u1(c);
            } else if (c < 0x800) {
                pool.u1(0xC0 | c >> 6);
                pool.u1(0x80 | c & 0x3F);
            } else {
                pool.u1(0xE0 | c >> 12);
                pool.u1(0x80 | c >> 6 & 0x3F);
                pool.u1(0x80 | c & 0x3F);
            }
        }
        pool.set2(lengthAt, pool.length() - lengthAt - 2);
        return remember("u:" + s);
    }

    int classIndex(String internalName) {
        Integer known = added.get("c:" + internalName);
        if (known != null) {
            return known;
        }
        int nameIndex = utf8Index(internalName);
        pool.u1(7);
        pool.u2(nameIndex);
        return remember("c:" + internalName);
    }

    int methodIndex(String owner, String name, String descriptor) {
        String key = "m:" + owner + '.' + name + descriptor;
        Integer known = added.get(key);
        if (known != null) {
            return known;
        }
        int classIndex = classIndex(owner);
        int nameIndex = utf8Index(name);
        int descriptorIndex = utf8Index(descriptor);
        pool.u1(12);
        pool.u2(nameIndex);
        pool.u2(descriptorIndex);
        int nameAndType = nextIndex++;
        pool.u1(10);
        pool.u2(classIndex);
        pool.u2(nameAndType);
        return remember(key);
    }

    private int remember(String key) {
        int index = nextIndex++;
        added.put(key, index);
        return index;
    }

    private int u2(int at) {
        return file.u2(at);
    }

    private int u4(int at) {
        return file.u4(at);
    }
}
