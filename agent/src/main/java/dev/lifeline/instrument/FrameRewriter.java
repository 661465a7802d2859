package dev.lifeline.instrument;

import dev.lifeline.instrument.ClassPatcher.Unsupported;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A hooked method's {@code StackMapTable}, rewritten: every frame is decoded (compressed frames expanded against the
 * previous one) and written back as a full frame at its new offset, with the hook's state slot added where it has one,
 * then the catch-all handler's frame appended. As {@link HookWeaver} does, nothing is computed from the class
 * hierarchy: the frames the compiler wrote are kept, and the one added lists only what the handler sees.
 */
final class FrameRewriter {
    private static final int TOP = 0;
    private static final int INTEGER = 1;
    private static final int FLOAT = 2;
    private static final int DOUBLE = 3;
    private static final int LONG = 4;
    private static final int UNINITIALIZED_THIS = 6;
    private static final int OBJECT = 7;
    private static final int UNINITIALIZED = 8;

    private final ClassPatcher patcher;
    private final CodeRewriter method;
    private final byte[] in;
    private final String owner;
    private final int thisClass;
    private final boolean frames;
    private final Hook hook;
    private final String name;
    private final boolean isStatic;
    private final List<String> args;
    private final int stateSlot;

    FrameRewriter(ClassPatcher patcher, CodeRewriter method) {
        this.patcher = patcher;
        this.method = method;
        this.in = patcher.file.bytes;
        this.owner = patcher.owner;
        this.thisClass = patcher.thisClass;
        this.frames = patcher.frames;
        this.hook = method.hook;
        this.name = method.name;
        this.isStatic = method.isStatic;
        this.args = method.args;
        this.stateSlot = method.stateSlot;
    }

    /**
     * The method's frames (from {@code body}, or none when it is -1), each written as a full frame at its new
     * offset, then the catch-all handler's frame.
     */
    void write(Bytes out, int nameIndex, int body, int handler) throws Unsupported {
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
                offsets.add(method.newPos(offset));
                frameLocals.add(withState(locals));
                frameStacks.add(stack);
            }
        }
        if (hook.exitOnThrow && frames) {
            offsets.add(handler);
            frameLocals.add(withState(handlerLocals()));
            frameStacks.add(new int[]{object(patcher.classIndex("java/lang/Throwable"))});
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
            into[0] = UNINITIALIZED << 16 | method.newPos(u2(at + 1));
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
        out[out.length - 1] = object(patcher.classIndex("java/lang/Object"));
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
                return object(patcher.classIndex(Hook.internalName(descriptor)));
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

    private int u2(int at) {
        return patcher.file.u2(at);
    }
}
