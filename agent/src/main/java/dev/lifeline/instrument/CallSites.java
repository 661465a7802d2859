package dev.lifeline.instrument;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What an application's method invokes on one line of its source, read from its class file. Issue 24: a library
 * object found at attach may not say what it was made for (sshj's one session channel class is an exec, a shell and a
 * subsystem alike), but the application's frame waiting on it does: {@code invokeinterface Session$Command.join} is
 * compiled only where the app holds the object as the type that {@code exec()} returns. JDK types only; no library is
 * named here. Every method answers false rather than throw: no evidence is no evidence.
 */
public final class CallSites {
    private CallSites() {
    }

    /**
     * Whether the line {@code frame} stands on invokes {@code name} of {@code owner} (internal name) as a virtual or
     * interface call. The frame's class is looked up, without initialising it, in each loader of {@code loaders} in turn
     * (a thread's context loader, the library's), and its bytes read as its own loader finds them.
     */
    public static boolean lineInvokes(StackTraceElement frame, List<ClassLoader> loaders, String owner, String name) {
        byte[] bytes = classOf(frame, loaders);
        return bytes != null && lineInvokes(bytes, frame.getMethodName(), frame.getLineNumber(), owner, name);
    }

    /**
     * The names of {@code owner}'s methods (internal name) that the method {@code frame} stands in invokes anywhere in
     * its body, as virtual or interface calls; empty when not known. Issue 24 again: a Ganymed-family session is an
     * exec or a shell by which of its methods started it, and the method that waits on it often started it too.
     */
    public static Set<String> methodInvokes(StackTraceElement frame, List<ClassLoader> loaders, String owner) {
        byte[] bytes = classOf(frame, loaders);
        Set<String> names = new LinkedHashSet<String>();
        if (bytes != null) {
            invokes(bytes, frame.getMethodName(), frame.getLineNumber(), owner, null, names);
        }
        return names;
    }

    /** The frame's class file as its own loader finds it, looked up in each of {@code loaders}; null when none. */
    private static byte[] classOf(StackTraceElement frame, List<ClassLoader> loaders) {
        if (frame == null || frame.getLineNumber() <= 0) {
            return null; // no line numbers (compiled with -g:none), or a native frame
        }
        for (ClassLoader loader : loaders) {
            try {
                Class<?> c = Class.forName(frame.getClassName(), false, loader);
                return ClassBytes.read(c.getClassLoader(), c.getName().replace('.', '/') + ".class");
            } catch (Throwable notHere) {
                // not visible from this loader: the next one
            }
        }
        return null;
    }

    /** {@link #lineInvokes(StackTraceElement, List, String, String)} on a class file's bytes. */
    static boolean lineInvokes(byte[] bytes, String method, int line, String owner, String name) {
        return invokes(bytes, method, line, owner, name, null);
    }

    /** {@link #methodInvokes(StackTraceElement, List, String)} on a class file's bytes. */
    static Set<String> methodInvokes(byte[] bytes, String method, int line, String owner) {
        Set<String> names = new LinkedHashSet<String>();
        invokes(bytes, method, line, owner, null, names);
        return names.isEmpty() ? Collections.<String>emptySet() : names;
    }

    /**
     * With {@code names} null: whether the line invokes {@code owner.name}. Otherwise: every method of {@code owner}
     * the method holding {@code line} invokes is added to {@code names} (the overload whose lines include it).
     */
    private static boolean invokes(byte[] bytes, String method, int line, String owner, String name, Set<String> names) {
        try {
            ClassFile cf = new ClassFile(bytes);
            int at = cf.header + 6; // access, this, super
            at += 2 + 2 * cf.u2(at); // interfaces
            int fields = cf.u2(at);
            at += 2;
            for (int i = 0; i < fields; i++) {
                at = cf.skipAttributes(at + 6);
            }
            int methods = cf.u2(at);
            at += 2;
            for (int i = 0; i < methods; i++) {
                boolean named = cf.utf8At(at + 2).equals(method);
                int attributes = at + 6;
                at = cf.skipAttributes(attributes);
                if (named && codeInvokes(cf, attributes, line, owner, name, names)) {
                    return true; // overloads share a name: any of them on that line
                }
            }
        } catch (Throwable malformed) {
            // not a class we can read: no evidence
        }
        return false;
    }

    private static boolean codeInvokes(ClassFile cf, int attributes, int line, String owner, String name, Set<String> names) {
        int a = attributes + 2;
        for (int i = cf.u2(attributes); i > 0; i--) {
            if (cf.utf8At(a).equals("Code")) {
                return scan(cf, a + 6, line, owner, name, names);
            }
            a += 6 + cf.u4(a + 2);
        }
        return false;
    }

    /** {@code code}: the Code attribute's body (max_stack). {@code names}: see {@link #invokes}. */
    private static boolean scan(ClassFile cf, int code, int line, String owner, String name, Set<String> names) {
        int codeLength = cf.u4(code + 4);
        int codeStart = code + 8;
        int at = codeStart + codeLength;
        at += 2 + 8 * cf.u2(at); // exception table
        List<int[]> lines = new ArrayList<int[]>(); // {start_pc, line}
        int a = at + 2;
        for (int i = cf.u2(at); i > 0; i--) {
            if (cf.utf8At(a).equals("LineNumberTable")) {
                for (int j = 0, n = cf.u2(a + 6); j < n; j++) {
                    lines.add(new int[]{cf.u2(a + 8 + 4 * j), cf.u2(a + 10 + 4 * j)});
                }
            }
            a += 6 + cf.u4(a + 2);
        }
        boolean[] onLine = new boolean[codeLength];
        if (names != null) {
            for (int[] e : lines) {
                if (e[1] == line) {
                    return collect(cf, codeStart, codeLength, owner, names); // this overload holds the line
                }
            }
            return false;
        }
        for (int[] e : lines) {
            if (e[1] != line) {
                continue;
            }
            int end = codeLength; // the line runs to the next entry's start
            for (int[] f : lines) {
                if (f[0] > e[0] && f[0] < end) {
                    end = f[0];
                }
            }
            for (int pc = e[0]; pc < end; pc++) {
                onLine[pc] = true;
            }
        }
        for (int p = 0; p < codeLength; ) {
            int op = cf.u1(codeStart + p);
            if ((op == 0xb6 || op == 0xb9) && onLine[p] && refers(cf, cf.u2(codeStart + p + 1), owner, name)) {
                return true; // invokevirtual, invokeinterface
            }
            p += length(cf, codeStart, p);
        }
        return false;
    }

    /** Adds the name of every method of {@code owner} the code invokes (virtual, interface) to {@code names}. */
    private static boolean collect(ClassFile cf, int codeStart, int codeLength, String owner, Set<String> names) {
        for (int p = 0; p < codeLength; ) {
            int op = cf.u1(codeStart + p);
            if (op == 0xb6 || op == 0xb9) {
                int ref = cf.entry(cf.u2(codeStart + p + 1));
                if (ref != 0 && owner.equals(cf.classNameAt(ref + 1))) {
                    names.add(cf.utf8At(cf.entry(cf.u2(ref + 3)) + 1));
                }
            }
            p += length(cf, codeStart, p);
        }
        return true;
    }

    /** Whether constant {@code index}, a Methodref or InterfaceMethodref, names {@code owner.name}. */
    private static boolean refers(ClassFile cf, int index, String owner, String name) {
        int ref = cf.entry(index);
        if (ref == 0) {
            return false;
        }
        int nameAndType = cf.entry(cf.u2(ref + 3));
        return owner.equals(cf.classNameAt(ref + 1)) && name.equals(cf.utf8At(nameAndType + 1));
    }

    /** The length of the instruction at {@code p} (JVMS 6.5); at least 1, so a malformed code ends the scan. */
    private static int length(ClassFile cf, int codeStart, int p) {
        int op = cf.u1(codeStart + p);
        if (op == 0xaa || op == 0xab) { // tableswitch, lookupswitch: padded to 4, then their tables
            int q = p + 4 - (p & 3);
            return op == 0xaa ? q - p + 12 + 4 * Math.max(0, cf.u4(codeStart + q + 8) - cf.u4(codeStart + q + 4) + 1)
                    : q - p + 8 + 8 * Math.max(0, cf.u4(codeStart + q + 4));
        }
        if (op == 0xc4) { // wide
            return cf.u1(codeStart + p + 1) == 0x84 ? 6 : 4;
        }
        if (op == 0x10 || op == 0x12 || (op >= 0x15 && op <= 0x19) || (op >= 0x36 && op <= 0x3a) || op == 0xa9 || op == 0xbc) {
            return 2;
        }
        if (op == 0x11 || op == 0x13 || op == 0x14 || op == 0x84 || (op >= 0x99 && op <= 0xa8) || (op >= 0xb2 && op <= 0xb8)
                || op == 0xbb || op == 0xbd || op == 0xc0 || op == 0xc1 || op == 0xc6 || op == 0xc7) {
            return 3;
        }
        if (op == 0xc5) {
            return 4; // multianewarray
        }
        if (op == 0xb9 || op == 0xba || op == 0xc8 || op == 0xc9) {
            return 5; // invokeinterface, invokedynamic, goto_w, jsr_w
        }
        return 1;
    }
}
