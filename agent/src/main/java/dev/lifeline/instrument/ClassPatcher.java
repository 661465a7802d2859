package dev.lifeline.instrument;

import net.bytebuddy.jar.asm.Opcodes;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Weaves hooks into a class file in place: the constant pool is kept as it is with the hooks' entries appended, every
 * method but the hooked ones is copied as raw bytes, and only the hooked methods' {@code Code} attributes are rewritten
 * (code, exception table, frames, line and local variable tables, their offsets shifted by the inserted calls).
 *
 * <p>Why not ASM's {@code ClassWriter}: given the reader, it still copies the constant pool into a symbol table, one
 * decoded entry at a time. For JSch's {@code Session} that was most of the first weave's cost, and it made ASM's code hot
 * enough for the JIT to compile (measured in src/docs/measurements.md). This patcher decodes no constant and builds no
 * table: it emits the same instructions as {@link HookWeaver}, which stays as the fallback for what it does not handle
 * ({@link Unsupported}: a jump that no longer fits 16 bits, an unknown attribute in a hooked method's code, ...).
 *
 * <p>The inserted code: the entry call before the first instruction; the exit call before each return instruction (a
 * jump to the return lands on it); for {@link Hook#exitOnThrow} a catch-all handler after the body. Inserted lengths
 * are padded with NOPs to a multiple of 4 where the method has a switch, so switch padding stays as it was. Every frame
 * is written back as a full frame, with the hook's state slot added where it has one, as {@link HookWeaver} does.
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

    private static final int TOP = 0;
    private static final int INTEGER = 1;
    private static final int FLOAT = 2;
    private static final int DOUBLE = 3;
    private static final int LONG = 4;
    private static final int UNINITIALIZED_THIS = 6;
    private static final int OBJECT = 7;
    private static final int UNINITIALIZED = 8;

    private final byte[] in;
    private final ClassFile file;
    private final String owner;
    private final int thisClass;
    private final boolean frames;
    private final Bytes pool = new Bytes();
    private final Map<String, Integer> added = new HashMap<String, Integer>();
    private int nextIndex;

    private ClassPatcher(ClassFile file, String owner, int version) {
        this.in = file.bytes;
        this.file = file;
        this.owner = owner;
        this.thisClass = file.u2(file.header + 2);
        this.frames = version >= Opcodes.V1_6;
        this.nextIndex = file.constantCount();
    }

    /** @param hooks by name + descriptor of the library method */
    static byte[] weave(ClassFile in, String owner, ClassShape shape, Map<String, Hook> hooks) throws Unsupported {
        return new ClassPatcher(in, owner, shape.version).patch(hooks);
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
                if (hook != null && "Code".equals(file.utf8At(at))) {
                    replaced.add(new int[]{at, end});
                    replacements.add(new MethodPatch(hook, access, name, descriptor, at).code());
                }
                at = end;
            }
        }
        if (nextIndex > 0xFFFF) {
            throw new Unsupported("constant pool full");
        }
        Bytes out = new Bytes(in.length + pool.length() + 1024);
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

    /** One hooked method's {@code Code} attribute, rewritten. */
    private final class MethodPatch {
        private final Hook hook;
        private final String name;
        private final String descriptor;
        private final boolean isStatic;
        private final List<String> args;
        private final int attr;
        private final int maxStack;
        private final int maxLocals;
        private final int codeStart;
        private final int codeLength;
        private final int stateSlot;
        private int[] returns = new int[8];
        private int returnCount;
        private boolean hasSwitch;
        private byte[] enter;
        private byte[] exit;

        MethodPatch(Hook hook, int access, String name, String descriptor, int attr) {
            this.hook = hook;
            this.name = name;
            this.descriptor = descriptor;
            this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
            this.args = Hook.argumentTypes(descriptor);
            this.attr = attr;
            this.maxStack = u2(attr + 6);
            this.maxLocals = u2(attr + 8);
            this.codeLength = u4(attr + 10);
            this.codeStart = attr + 14;
            this.stateSlot = maxLocals;
        }

        byte[] code() throws Unsupported {
            scan();
            int pad = hasSwitch ? 4 : 1;
            enter = padded(enterCode(), pad);
            exit = hook.exit != null ? padded(exitCode(), pad) : new byte[0];
            if (exit.length == 0) {
                returnCount = 0;
            }
            int newLength = newPos(codeLength);
            Bytes code = new Bytes(newLength + 64);
            code.write(enter, 0, enter.length);
            copyInstructions(code);
            int handler = code.length();
            if (hook.exitOnThrow) {
                code.u1(Opcodes.DUP);
                callExit(code);
                code.u1(Opcodes.ATHROW);
            }
            if (code.length() > 0xFFFF) {
                throw new Unsupported("code too long");
            }

            int argSlots = 1;
            for (String a : args) {
                argSlots += Hook.isWide(a) ? 2 : 1;
            }
            Bytes out = new Bytes(code.length() + 256);
            out.u2(u2(attr)); // "Code"
            out.u4(0); // length, set below
            out.u2(Math.min(0xFFFF, maxStack + 4 + argSlots));
            out.u2(hook.enterState ? maxLocals + 1 : maxLocals);
            out.u4(code.length());
            out.write(code.array(), 0, code.length());

            int exceptions = codeStart + codeLength;
            int exceptionCount = u2(exceptions);
            out.u2(exceptionCount + (hook.exitOnThrow ? 1 : 0));
            for (int i = 0; i < exceptionCount; i++) {
                int e = exceptions + 2 + 8 * i;
                out.u2(newPos(u2(e)));
                out.u2(newPos(u2(e + 2)));
                out.u2(newPos(u2(e + 4)));
                out.u2(u2(e + 6));
            }
            if (hook.exitOnThrow) {
                out.u2(enter.length);
                out.u2(newLength);
                out.u2(handler);
                out.u2(classIndex("java/lang/Throwable"));
            }

            int at = exceptions + 2 + 8 * exceptionCount;
            int attributeCount = u2(at);
            at += 2;
            int countAt = out.length();
            out.u2(0);
            int written = 0;
            boolean hadFrames = false;
            for (int i = 0; i < attributeCount; i++) {
                String attribute = file.utf8At(at);
                int length = u4(at + 2);
                int body = at + 6;
                if ("StackMapTable".equals(attribute)) {
                    hadFrames = true;
                    writeFrames(out, u2(at), body, handler);
                } else if ("LineNumberTable".equals(attribute)) {
                    out.u2(u2(at));
                    out.u4(length);
                    int n = u2(body);
                    out.u2(n);
                    for (int k = 0; k < n; k++) {
                        out.u2(newPos(u2(body + 2 + 4 * k)));
                        out.u2(u2(body + 4 + 4 * k));
                    }
                } else if ("LocalVariableTable".equals(attribute) || "LocalVariableTypeTable".equals(attribute)) {
                    out.u2(u2(at));
                    out.u4(length);
                    int n = u2(body);
                    out.u2(n);
                    for (int k = 0; k < n; k++) {
                        int e = body + 2 + 10 * k;
                        int start = u2(e);
                        out.u2(newPos(start));
                        out.u2(newPos(start + u2(e + 2)) - newPos(start));
                        out.write(in, e + 4, 6);
                    }
                } else {
                    throw new Unsupported("attribute " + attribute + " in the code of " + name);
                }
                written++;
                at = body + length;
            }
            if (!hadFrames && hook.exitOnThrow && frames) { // a method without branches has no frames until the handler
                writeFrames(out, utf8Index("StackMapTable"), -1, handler);
                written++;
            }
            out.set2(countAt, written);
            out.set4(2, out.length() - 6);
            return out.toArray();
        }

        /** Instruction boundaries, return instructions, switches; an opcode it does not know ends the patch. */
        private void scan() throws Unsupported {
            int p = 0;
            while (p < codeLength) {
                int op = in[codeStart + p] & 0xFF;
                if (op >= Opcodes.IRETURN && op <= Opcodes.RETURN) {
                    if (returnCount == returns.length) {
                        returns = Arrays.copyOf(returns, returnCount * 2);
                    }
                    returns[returnCount++] = p;
                }
                if (op == Opcodes.TABLESWITCH || op == Opcodes.LOOKUPSWITCH) {
                    hasSwitch = true;
                }
                p += length(p); // at least 1: a malformed class cannot hold the loading thread in this loop
            }
            if (p != codeLength) {
                throw new IllegalArgumentException("code of " + name + " does not end on an instruction");
            }
        }

        private int length(int p) throws Unsupported {
            int op = in[codeStart + p] & 0xFF;
            switch (op) {
                case Opcodes.BIPUSH:
                case Opcodes.LDC:
                case Opcodes.ILOAD:
                case Opcodes.LLOAD:
                case Opcodes.FLOAD:
                case Opcodes.DLOAD:
                case Opcodes.ALOAD:
                case Opcodes.ISTORE:
                case Opcodes.LSTORE:
                case Opcodes.FSTORE:
                case Opcodes.DSTORE:
                case Opcodes.ASTORE:
                case Opcodes.RET:
                case Opcodes.NEWARRAY:
                    return 2;
                case Opcodes.SIPUSH:
                case 0x13: // ldc_w
                case 0x14: // ldc2_w
                case Opcodes.IINC:
                case Opcodes.GETSTATIC:
                case Opcodes.PUTSTATIC:
                case Opcodes.GETFIELD:
                case Opcodes.PUTFIELD:
                case Opcodes.INVOKEVIRTUAL:
                case Opcodes.INVOKESPECIAL:
                case Opcodes.INVOKESTATIC:
                case Opcodes.NEW:
                case Opcodes.ANEWARRAY:
                case Opcodes.CHECKCAST:
                case Opcodes.INSTANCEOF:
                    return 3;
                case Opcodes.MULTIANEWARRAY:
                    return 4;
                case Opcodes.INVOKEINTERFACE:
                case Opcodes.INVOKEDYNAMIC:
                case 0xc8: // goto_w
                case 0xc9: // jsr_w
                    return 5;
                case 0xc4: // wide
                    return (in[codeStart + p + 1] & 0xFF) == Opcodes.IINC ? 6 : 4;
                case Opcodes.TABLESWITCH: {
                    int q = p + 4 - (p & 3); // after the padding
                    long cases = (long) s4(codeStart + q + 8) - s4(codeStart + q + 4) + 1;
                    if (cases < 1 || cases > codeLength) {
                        throw new IllegalArgumentException("malformed tableswitch in " + name);
                    }
                    return q - p + 12 + 4 * (int) cases;
                }
                case Opcodes.LOOKUPSWITCH: {
                    int q = p + 4 - (p & 3);
                    int pairs = s4(codeStart + q + 4);
                    if (pairs < 0 || pairs > codeLength / 8) {
                        throw new IllegalArgumentException("malformed lookupswitch in " + name);
                    }
                    return q - p + 8 + 8 * pairs;
                }
                default:
                    if (isJump16(op)) {
                        return 3;
                    }
                    if (op <= 0xc3) {
                        return 1; // every other opcode up to monitorexit has no operand
                    }
                    throw new Unsupported("opcode " + op + " in " + name);
            }
        }

        private boolean isJump16(int op) {
            return (op >= Opcodes.IFEQ && op <= Opcodes.JSR) || op == Opcodes.IFNULL || op == Opcodes.IFNONNULL;
        }

        /** Where an instruction (or a label) at old offset {@code old} is after the insertions before it. */
        private int newPos(int old) {
            int lo = 0;
            int hi = returnCount;
            while (lo < hi) { // returns strictly before old
                int mid = (lo + hi) >>> 1;
                if (returns[mid] < old) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return old + enter.length + exit.length * lo;
        }

        private void copyInstructions(Bytes code) throws Unsupported {
            int p = 0;
            int r = 0;
            while (p < codeLength) {
                int op = in[codeStart + p] & 0xFF;
                int length = length(p);
                int from = newPos(p);
                if (r < returnCount && returns[r] == p) {
                    code.write(exit, 0, exit.length);
                    r++;
                    code.u1(op);
                } else if (isJump16(op)) {
                    int target = newPos(p + s2(codeStart + p + 1)) - from;
                    if (target != (short) target) {
                        throw new Unsupported("jump too far in " + name);
                    }
                    code.u1(op);
                    code.u2(target & 0xFFFF);
                } else if (op == 0xc8 || op == 0xc9) {
                    code.u1(op);
                    code.u4(newPos(p + s4(codeStart + p + 1)) - from);
                } else if (op == Opcodes.TABLESWITCH || op == Opcodes.LOOKUPSWITCH) {
                    int q = p + 4 - (p & 3);
                    code.write(in, codeStart + p, q - p); // opcode and padding: the shift is a multiple of 4
                    code.u4(newPos(p + s4(codeStart + q)) - from);
                    if (op == Opcodes.TABLESWITCH) {
                        code.write(in, codeStart + q + 4, 8);
                        int n = s4(codeStart + q + 8) - s4(codeStart + q + 4) + 1;
                        for (int i = 0; i < n; i++) {
                            code.u4(newPos(p + s4(codeStart + q + 12 + 4 * i)) - from);
                        }
                    } else {
                        int n = s4(codeStart + q + 4);
                        code.u4(n);
                        for (int i = 0; i < n; i++) {
                            code.u4(s4(codeStart + q + 8 + 8 * i));
                            code.u4(newPos(p + s4(codeStart + q + 12 + 8 * i)) - from);
                        }
                    }
                } else {
                    code.write(in, codeStart + p, length);
                }
                p += length;
            }
        }

        private byte[] enterCode() {
            Bytes c = new Bytes(32);
            if (hook.enter == null) {
                return c.toArray();
            }
            boolean constructor = hook.isConstructor();
            if (!constructor) {
                c.load("L", 0);
            }
            if (!hook.thisOnly) {
                loadArguments(c);
            }
            c.u1(Opcodes.INVOKESTATIC);
            c.u2(methodIndex(hook.hookClass, hook.enter, hook.enterDescriptor(constructor)));
            if (hook.enterState) {
                c.store("L", stateSlot);
            } else if (hook.replacedArg >= 0) {
                String type = args.get(hook.replacedArg);
                if (Hook.erase(type).equals("Ljava/lang/Object;")) {
                    c.u1(Opcodes.CHECKCAST);
                    c.u2(classIndex(Hook.internalName(type)));
                }
                c.store(type, slotOf(hook.replacedArg));
            }
            return c.toArray();
        }

        private byte[] exitCode() {
            Bytes c = new Bytes(32);
            if (hook.exitValue) {
                if (!hook.exitReplacesValue) {
                    c.u1(Opcodes.DUP);
                }
            } else if (hook.exitOnThrow) {
                c.u1(Opcodes.ACONST_NULL);
            }
            callExit(c);
            if (hook.exitReplacesValue) {
                String ret = Hook.returnType(hook.descriptor);
                if (Hook.erase(ret).equals("Ljava/lang/Object;")) {
                    c.u1(Opcodes.CHECKCAST);
                    c.u2(classIndex(Hook.internalName(ret)));
                }
            }
            return c.toArray();
        }

        private void callExit(Bytes c) {
            if (hook.enterState) {
                c.load("L", stateSlot);
            }
            c.load("L", 0);
            if (!hook.thisOnly) {
                loadArguments(c);
            }
            c.u1(Opcodes.INVOKESTATIC);
            c.u2(methodIndex(hook.hookClass, hook.exit, hook.exitDescriptor()));
        }

        private void loadArguments(Bytes c) {
            for (int i = 0; i < args.size(); i++) {
                c.load(args.get(i), slotOf(i));
            }
        }

        private int slotOf(int arg) {
            int slot = 1;
            for (int i = 0; i < arg; i++) {
                slot += Hook.isWide(args.get(i)) ? 2 : 1;
            }
            return slot;
        }

        /**
         * The method's frames (from {@code body}, or none when it is -1), each written as a full frame at its new
         * offset, then the catch-all handler's frame.
         */
        private void writeFrames(Bytes out, int nameIndex, int body, int handler) throws Unsupported {
            List<int[]> frameLocals = new ArrayList<int[]>();
            List<int[]> frameStacks = new ArrayList<int[]>();
            List<Integer> offsets = new ArrayList<Integer>();
            if (body >= 0) {
                int[] locals = initialLocals();
                int n = u2(body);
                int at = body + 2;
                int offset = -1;
                int[] one = new int[1];
                for (int i = 0; i < n; i++) {
                    int type = in[at++] & 0xFF;
                    int[] stack = new int[0];
                    int delta;
                    if (type < 64) {
                        delta = type;
                    } else if (type < 128) {
                        delta = type - 64;
                        at = readType(at, one);
                        stack = one.clone();
                    } else if (type < 247) {
                        throw new Unsupported("frame type " + type + " in " + name);
                    } else {
                        delta = u2(at);
                        at += 2;
                        if (type == 247) {
                            at = readType(at, one);
                            stack = one.clone();
                        } else if (type < 251) {
                            locals = Arrays.copyOf(locals, locals.length - (251 - type));
                        } else if (type > 251 && type < 255) {
                            int k = type - 251;
                            int[] more = Arrays.copyOf(locals, locals.length + k);
                            for (int j = 0; j < k; j++) {
                                at = readType(at, one);
                                more[locals.length + j] = one[0];
                            }
                            locals = more;
                        } else if (type == 255) {
                            locals = new int[u2(at)];
                            at += 2;
                            for (int j = 0; j < locals.length; j++) {
                                at = readType(at, one);
                                locals[j] = one[0];
                            }
                            stack = new int[u2(at)];
                            at += 2;
                            for (int j = 0; j < stack.length; j++) {
                                at = readType(at, one);
                                stack[j] = one[0];
                            }
                        }
                    }
                    offset += delta + 1;
                    offsets.add(newPos(offset));
                    frameLocals.add(withState(locals));
                    frameStacks.add(stack);
                }
            }
            if (hook.exitOnThrow && frames) {
                offsets.add(handler);
                frameLocals.add(withState(handlerLocals()));
                frameStacks.add(new int[]{object(classIndex("java/lang/Throwable"))});
            }
            Bytes table = new Bytes(64 + 16 * offsets.size());
            table.u2(offsets.size());
            int previous = -1;
            for (int i = 0; i < offsets.size(); i++) {
                table.u1(255);
                table.u2(offsets.get(i) - previous - 1);
                previous = offsets.get(i);
                writeTypes(table, frameLocals.get(i));
                writeTypes(table, frameStacks.get(i));
            }
            out.u2(nameIndex);
            out.u4(table.length());
            out.write(table.array(), 0, table.length());
        }

        /** Verification types are kept as (tag << 16 | operand); uninitialized ones point at a moved instruction. */
        private int readType(int at, int[] into) {
            int tag = in[at] & 0xFF;
            if (tag == OBJECT) {
                into[0] = object(u2(at + 1));
                return at + 3;
            }
            if (tag == UNINITIALIZED) {
                into[0] = UNINITIALIZED << 16 | newPos(u2(at + 1));
                return at + 3;
            }
            into[0] = tag << 16;
            return at + 1;
        }

        private void writeTypes(Bytes table, int[] types) {
            table.u2(types.length);
            for (int t : types) {
                int tag = t >>> 16;
                table.u1(tag);
                if (tag == OBJECT || tag == UNINITIALIZED) {
                    table.u2(t & 0xFFFF);
                }
            }
        }

        private int[] initialLocals() {
            List<Integer> out = new ArrayList<Integer>();
            if (!isStatic) {
                out.add(name.equals("<init>") && !owner.equals("java/lang/Object") ? UNINITIALIZED_THIS << 16 : object(thisClass));
            }
            for (String a : args) {
                out.add(typeOf(a));
            }
            return toArray(out);
        }

        /** What {@link HookWeaver.HookInserter} gives its handler: this and the declared parameters. */
        private int[] handlerLocals() {
            List<Integer> out = new ArrayList<Integer>();
            out.add(object(thisClass));
            for (String a : args) {
                out.add(typeOf(a));
            }
            return toArray(out);
        }

        /** As {@link HookWeaver.HookInserter#visitFrame}: the state after the last local, TOP in between. */
        private int[] withState(int[] locals) {
            if (!hook.enterState) {
                return locals;
            }
            int slots = 0;
            for (int t : locals) {
                int tag = t >>> 16;
                slots += tag == LONG || tag == DOUBLE ? 2 : 1;
            }
            int[] out = Arrays.copyOf(locals, locals.length + (stateSlot - slots) + 1);
            for (int i = locals.length; i < out.length - 1; i++) {
                out[i] = TOP;
            }
            out[out.length - 1] = object(classIndex("java/lang/Object"));
            return out;
        }

        private int typeOf(String descriptor) {
            switch (descriptor.charAt(0)) {
                case 'Z':
                case 'B':
                case 'C':
                case 'S':
                case 'I':
                    return INTEGER << 16;
                case 'F':
                    return FLOAT << 16;
                case 'J':
                    return LONG << 16;
                case 'D':
                    return DOUBLE << 16;
                default:
                    return object(classIndex(Hook.internalName(descriptor)));
            }
        }
    }

    private static int object(int classIndex) {
        return OBJECT << 16 | classIndex;
    }

    private static int[] toArray(List<Integer> list) {
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    private static byte[] padded(byte[] code, int multiple) {
        int length = (code.length + multiple - 1) / multiple * multiple;
        return length == code.length ? code : Arrays.copyOf(code, length); // zero bytes are NOPs
    }

    private int utf8Index(String s) {
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

    private int classIndex(String internalName) {
        Integer known = added.get("c:" + internalName);
        if (known != null) {
            return known;
        }
        int nameIndex = utf8Index(internalName);
        pool.u1(7);
        pool.u2(nameIndex);
        return remember("c:" + internalName);
    }

    private int methodIndex(String owner, String name, String descriptor) {
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

    private int s2(int at) {
        return file.s2(at);
    }

    private int u4(int at) {
        return file.u4(at);
    }

    private int s4(int at) {
        return file.u4(at);
    }

    /** A growing byte array with big-endian writes, the few the class file format needs. */
    private static final class Bytes {
        private byte[] data;
        private int length;

        Bytes() {
            this(256);
        }

        Bytes(int capacity) {
            data = new byte[Math.max(16, capacity)];
        }

        int length() {
            return length;
        }

        byte[] array() {
            return data;
        }

        byte[] toArray() {
            return Arrays.copyOf(data, length);
        }

        private void room(int n) {
            if (length + n > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, length + n));
            }
        }

        void u1(int b) {
            room(1);
            data[length++] = (byte) b;
        }

        void u2(int v) {
            room(2);
            data[length++] = (byte) (v >>> 8);
            data[length++] = (byte) v;
        }

        void u4(int v) {
            room(4);
            data[length++] = (byte) (v >>> 24);
            data[length++] = (byte) (v >>> 16);
            data[length++] = (byte) (v >>> 8);
            data[length++] = (byte) v;
        }

        void set2(int at, int v) {
            data[at] = (byte) (v >>> 8);
            data[at + 1] = (byte) v;
        }

        void set4(int at, int v) {
            data[at] = (byte) (v >>> 24);
            data[at + 1] = (byte) (v >>> 16);
            data[at + 2] = (byte) (v >>> 8);
            data[at + 3] = (byte) v;
        }

        void write(byte[] b, int off, int n) {
            room(n);
            System.arraycopy(b, off, data, length, n);
            length += n;
        }

        /** xLOAD of a local of the given descriptor, in its shortest form. */
        void load(String type, int slot) {
            local(Hook.loadOpcode(type), slot);
        }

        void store(String type, int slot) {
            local(Hook.storeOpcode(type), slot);
        }

        private void local(int opcode, int slot) {
            if (slot <= 3) {
                // ILOAD_0 = 26 and ISTORE_0 = 59, four per type in the order I, L, F, D, A
                int base = opcode < Opcodes.ISTORE ? 26 + (opcode - Opcodes.ILOAD) * 4 : 59 + (opcode - Opcodes.ISTORE) * 4;
                u1(base + slot);
            } else if (slot <= 0xFF) {
                u1(opcode);
                u1(slot);
            } else {
                u1(0xc4); // wide
                u1(opcode);
                u2(slot);
            }
        }
    }
}
