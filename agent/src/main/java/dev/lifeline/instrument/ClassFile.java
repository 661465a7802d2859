package dev.lifeline.instrument;

/**
 * A class file's bytes with its constant pool indexed: where each entry starts, and the UTF-8 entries decoded when
 * first asked for. All {@link ClassShape} and {@link ClassPatcher} need, so that weaving in place loads no ASM class.
 */
final class ClassFile {
    final byte[] bytes;
    /** Offset of each constant pool entry's tag (0 for index 0 and the second slot of a long or double). */
    private final int[] entries;
    private final String[] strings;
    /** Offset of access_flags, right after the constant pool. */
    final int header;

    ClassFile(byte[] bytes) {
        this.bytes = bytes;
        if (bytes.length < 10 || u4(0) != 0xCAFEBABE) {
            throw new IllegalArgumentException("not a class file");
        }
        int count = u2(8);
        entries = new int[count];
        strings = new String[count];
        int at = 10;
        for (int i = 1; i < count; i++) {
            entries[i] = at;
            int tag = bytes[at] & 0xFF;
            switch (tag) {
                case 1: // Utf8
                    at += 3 + u2(at + 1);
                    break;
                case 7: // Class
                case 8: // String
                case 16: // MethodType
                case 19: // Module
                case 20: // Package
                    at += 3;
                    break;
                case 15: // MethodHandle
                    at += 4;
                    break;
                case 3: // Integer
                case 4: // Float
                case 9: // Fieldref
                case 10: // Methodref
                case 11: // InterfaceMethodref
                case 12: // NameAndType
                case 17: // Dynamic
                case 18: // InvokeDynamic
                    at += 5;
                    break;
                case 5: // Long
                case 6: // Double
                    at += 9;
                    i++;
                    break;
                default:
                    throw new IllegalArgumentException("constant pool tag " + tag + " at " + at);
            }
        }
        header = at;
    }

    /** constant_pool_count: the index the first appended entry gets. */
    int constantCount() {
        return entries.length;
    }

    int majorVersion() {
        return u2(6);
    }

    /** The name of the Class constant whose index is stored at {@code at} (internal form), or null for index 0. */
    String classNameAt(int at) {
        int index = u2(at);
        return index == 0 ? null : utf8(u2(entries[index] + 1));
    }

    /** The offset of constant {@code index}'s tag. */
    int entry(int index) {
        return index > 0 && index < entries.length ? entries[index] : 0;
    }

    /** The UTF-8 constant whose index is stored at {@code at}. */
    String utf8At(int at) {
        return utf8(u2(at));
    }

    String utf8(int index) {
        String s = strings[index];
        if (s == null) {
            int at = entries[index];
            if (at == 0 || bytes[at] != 1) {
                throw new IllegalArgumentException("constant " + index + " is not UTF-8");
            }
            s = decode(at + 3, u2(at + 1));
            strings[index] = s;
        }
        return s;
    }

    /**
     * Whether UTF-8 constant {@code index} is {@code s}, compared as bytes when {@code s} is ASCII (a name a hook gives):
     * a scan of the pool for a few names decodes none of the others.
     */
    boolean utf8Is(int index, String s) {
        int at = entry(index);
        if (at == 0 || bytes[at] != 1) {
            return false;
        }
        if (!isAscii(s)) {
            return utf8(index).equals(s);
        }
        int length = u2(at + 1);
        if (length != s.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if ((bytes[at + 3 + i] & 0xFF) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == 0 || s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Modified UTF-8, as the class file format stores it. */
    private String decode(int at, int length) {
        char[] out = new char[length];
        int n = 0;
        int end = at + length;
        while (at < end) {
            int c = bytes[at++] & 0xFF;
            if (c < 0x80) {
                out[n++] = (char) c;
            } else if (c < 0xE0) {
                out[n++] = (char) ((c & 0x1F) << 6 | bytes[at++] & 0x3F);
            } else {
                out[n++] = (char) ((c & 0x0F) << 12 | (bytes[at++] & 0x3F) << 6 | bytes[at++] & 0x3F);
            }
        }
        return new String(out, 0, n);
    }

    int u1(int at) {
        return bytes[at] & 0xFF;
    }

    int u2(int at) {
        return (bytes[at] & 0xFF) << 8 | bytes[at + 1] & 0xFF;
    }

    int s2(int at) {
        return (short) u2(at);
    }

    int u4(int at) {
        return (bytes[at] & 0xFF) << 24 | (bytes[at + 1] & 0xFF) << 16 | (bytes[at + 2] & 0xFF) << 8 | bytes[at + 3] & 0xFF;
    }

    /** @return the offset after the attributes that start at {@code at} (with their count) */
    int skipAttributes(int at) {
        int count = u2(at);
        at += 2;
        for (int i = 0; i < count; i++) {
            at += 6 + u4(at + 2);
        }
        return at;
    }
}
