package dev.lifeline.instrument;

import net.bytebuddy.jar.asm.Opcodes;

import java.util.Arrays;

/**
 * A growing byte array with big-endian writes, the few the class file format needs: the patcher's appended constants,
 * rewritten code and frames, and the class file written out.
 */
final class Bytes {
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

    /** The bytes written; the array itself when it is full (a writer that sized it exactly), so write nothing after. */
    byte[] toArray() {
        return length == data.length ? data : Arrays.copyOf(data, length);
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
