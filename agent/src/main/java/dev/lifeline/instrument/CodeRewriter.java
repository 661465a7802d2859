package dev.lifeline.instrument;

import dev.lifeline.instrument.ClassPatcher.Unsupported;
import net.bytebuddy.jar.asm.Opcodes;

import java.util.Arrays;
import java.util.List;

/**
 * One hooked method's {@code Code} attribute, rewritten: the entry call before the first instruction, the exit call
 * before each return instruction (a jump to the return lands on it), for {@link Hook#exitOnThrow} a catch-all handler
 * after the body; every jump, switch, exception table entry, line number and local variable range shifted by what was
 * inserted before it, and the frames handed to {@link FrameRewriter}. Inserted lengths are padded with NOPs to a
 * multiple of 4 where the method has a switch, so switch padding stays as it was. The constants the inserted code
 * names are appended to the pool by the {@link ClassPatcher}.
 */
final class CodeRewriter {
    private final ClassPatcher patcher;
    private final ClassFile file;
    private final byte[] in;
    final Hook hook;
    final String name;
    private final String descriptor;
    final boolean isStatic;
    final List<String> args;
    private final int attr;
    private final int maxStack;
    private final int maxLocals;
    private final int codeStart;
    private final int codeLength;
    final int stateSlot;
    private int[] returns = new int[8];
    private int returnCount;
    private boolean hasSwitch;
    private byte[] enter;
    private byte[] exit;

    CodeRewriter(ClassPatcher patcher, Hook hook, int access, String name, String descriptor, int attr) {
        this.patcher = patcher;
        this.file = patcher.file;
        this.in = patcher.in; // the class file with its call sites redirected, when a call-site hook asked for that
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
            out.u2(patcher.classIndex("java/lang/Throwable"));
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
                new FrameRewriter(patcher, this).write(out, u2(at), body, handler);
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
        if (!hadFrames && hook.exitOnThrow && patcher.frames) { // a method without branches has no frames until the handler
            new FrameRewriter(patcher, this).write(out, patcher.utf8Index("StackMapTable"), -1, handler);
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
        return length(in, codeStart, codeLength, p, name);
    }

    /**
     * The length of the instruction at {@code p} of the code at {@code codeStart}; also for {@link ClassPatcher}'s scan
     * of every method for call sites.
     */
    static int length(byte[] in, int codeStart, int codeLength, int p, String name) throws Unsupported {
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
                long cases = (long) s4(in, codeStart + q + 8) - s4(in, codeStart + q + 4) + 1;
                if (cases < 1 || cases > codeLength) {
                    throw new IllegalArgumentException("malformed tableswitch in " + name);
                }
                return q - p + 12 + 4 * (int) cases;
            }
            case Opcodes.LOOKUPSWITCH: {
                int q = p + 4 - (p & 3);
                int pairs = s4(in, codeStart + q + 4);
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

    private static boolean isJump16(int op) {
        return (op >= Opcodes.IFEQ && op <= Opcodes.JSR) || op == Opcodes.IFNULL || op == Opcodes.IFNONNULL;
    }

    /** Where an instruction (or a label) at old offset {@code old} is after the insertions before it. */
    int newPos(int old) {
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
        c.u2(patcher.methodIndex(hook.hookClass, hook.enter, hook.enterDescriptor(constructor)));
        if (hook.enterState) {
            c.store("L", stateSlot);
        } else if (hook.replacedArg >= 0) {
            String type = args.get(hook.replacedArg);
            if (Hook.erase(type).equals("Ljava/lang/Object;")) {
                c.u1(Opcodes.CHECKCAST);
                c.u2(patcher.classIndex(Hook.internalName(type)));
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
                c.u2(patcher.classIndex(Hook.internalName(ret)));
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
        c.u2(patcher.methodIndex(hook.hookClass, hook.exit, hook.exitDescriptor()));
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

    private static byte[] padded(byte[] code, int multiple) {
        int length = (code.length + multiple - 1) / multiple * multiple;
        return length == code.length ? code : Arrays.copyOf(code, length); // zero bytes are NOPs
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

    private static int s4(byte[] in, int at) {
        return (in[at] & 0xFF) << 24 | (in[at + 1] & 0xFF) << 16 | (in[at + 2] & 0xFF) << 8 | in[at + 3] & 0xFF;
    }
}
