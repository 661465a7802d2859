package dev.lifeline.instrument;

import java.util.ArrayList;
import java.util.List;

/**
 * Calls into one library method: a static hook method at entry and/or at exit. The hook's descriptor follows from the
 * library method's, so the weaver and the hook classes cannot disagree about it (a unit test resolves every one):
 * <ul>
 * <li>entry: {@code (this, args...)}; returns void, an Object handed to the exit hook ({@link #enterKeepingState}), or
 * a replacement for one argument ({@link #enterReplacingArg}).</li>
 * <li>exit: {@code (value or thrown, state, this, args...)}, each part only where asked for; {@link #exitReplacingValue}
 * returns the value the method returns instead.</li>
 * </ul>
 * Reference types are passed as {@code Object}: hook classes name JDK types only, so they link in any loader.
 *
 * <p>A call-site hook ({@link #onCall}) instead replaces, in every method of the class, each call of one method of
 * another type with a call of a static hook method taking the receiver and the arguments and returning what the call
 * returns: the same stack before and after, so nothing else of the method changes. It is for a wait that happens in
 * a JDK type the library calls from many places (JSch reads its SFTP responses straight from a pipe).
 */
public final class Hook {
    final String method;
    final String descriptor;
    final String hookClass;
    /** A call-site hook: the type whose method's calls are replaced (internal name); null for a method hook. */
    String callOwner;
    boolean optional;
    boolean thisOnly;

    String enter;
    boolean enterState;
    int replacedArg = -1;

    String exit;
    boolean exitOnThrow;
    boolean exitValue;
    boolean exitReplacesValue;

    private Hook(String method, String descriptor, Class<?> hooks) {
        this(method, descriptor, hooks.getName().replace('.', '/'));
    }

    private Hook(String method, String descriptor, String hookClass) {
        this.method = method;
        this.descriptor = descriptor;
        this.hookClass = hookClass;
    }

    /** This hook, calling the same methods of another class (a {@link BootBridge} forwarder with the same descriptors). */
    Hook calling(String otherHookClass) {
        Hook h = new Hook(method, descriptor, otherHookClass);
        h.callOwner = callOwner;
        h.optional = optional;
        h.thisOnly = thisOnly;
        h.enter = enter;
        h.enterState = enterState;
        h.replacedArg = replacedArg;
        h.exit = exit;
        h.exitOnThrow = exitOnThrow;
        h.exitValue = exitValue;
        h.exitReplacesValue = exitReplacesValue;
        return h;
    }

    /** @param descriptor the library method's JVM descriptor; matched exactly */
    public static Hook on(String method, String descriptor, Class<?> hooks) {
        return new Hook(method, descriptor, hooks);
    }

    /**
     * Every call of {@code owner.method} (a virtual or interface call, matched by descriptor) in the class's code calls
     * the hook method named by {@link #redirect} instead, with the receiver as its first argument.
     *
     * @param owner internal name of the called method's type as the call names it, e.g. {@code java/io/InputStream}
     */
    public static Hook onCall(String owner, String method, String descriptor, Class<?> hooks) {
        Hook h = new Hook(method, descriptor, hooks);
        h.callOwner = owner;
        return h;
    }

    /** The hook method a call-site hook calls instead; it must do what the replaced call did (or throw). */
    public Hook redirect(String hookMethod) {
        enter = hookMethod;
        return this;
    }

    boolean isCallSite() {
        return callOwner != null;
    }

    /** The replacing hook's descriptor: {@code (receiver, args...)} returning what the call returns. */
    String redirectDescriptor() {
        StringBuilder d = new StringBuilder("(Ljava/lang/Object;");
        for (String a : argumentTypes(descriptor)) {
            d.append(erase(a));
        }
        return d.append(')').append(erase(returnType(descriptor))).toString();
    }

    /** A library line may lack this method: then the hook is left out, and the rest of the type still woven. */
    public Hook optional() {
        optional = true;
        return this;
    }

    /** Hot paths (a call per packet): the hooks get {@code this} and none of the arguments. */
    public Hook thisOnly() {
        thisOnly = true;
        return this;
    }

    public Hook enter(String hookMethod) {
        enter = hookMethod;
        return this;
    }

    public Hook enterKeepingState(String hookMethod) {
        enter = hookMethod;
        enterState = true;
        return this;
    }

    public Hook enterReplacingArg(String hookMethod, int arg) {
        enter = hookMethod;
        replacedArg = arg;
        return this;
    }

    /** On normal returns only. */
    public Hook exit(String hookMethod) {
        exit = hookMethod;
        return this;
    }

    /** On normal returns (thrown = null) and on a throwable, which goes on to the caller unchanged. */
    public Hook exitOrThrow(String hookMethod) {
        exit = hookMethod;
        exitOnThrow = true;
        return this;
    }

    /** On normal returns, with the value returned. */
    public Hook exitWithValue(String hookMethod) {
        exit = hookMethod;
        exitValue = true;
        return this;
    }

    public Hook exitReplacingValue(String hookMethod) {
        exit = hookMethod;
        exitValue = true;
        exitReplacesValue = true;
        return this;
    }

    boolean isConstructor() {
        return method.equals("<init>");
    }

    String key() {
        return callOwner != null ? callOwner + '.' + method + descriptor : method + descriptor;
    }

    /** Why this hook cannot be woven as declared (a mistake in a module, caught by the unit tests), or null. */
    String problem(boolean staticMethod) {
        String ret = returnType(descriptor);
        if (callOwner != null) {
            return enter == null || exit != null || enterState || replacedArg >= 0 ? "a call-site hook has one redirect only" : null;
        }
        if (enter == null && exit == null) {
            return "no hook";
        }
        if (staticMethod) {
            return "static methods have no this";
        }
        if (isConstructor() && (exit != null || thisOnly || enterState || replacedArg >= 0)) {
            return "constructors: a plain entry hook only (it runs before super(), so it gets the arguments, not this)";
        }
        if (enterState && (exit == null || isConstructor())) {
            return "state without an exit hook";
        }
        if (exitValue && (ret.equals("V") || isWide(ret))) {
            return "exit value must be a one-slot value";
        }
        if (exitValue && exitOnThrow) {
            return "an exit hook sees the value or the throwable, not both";
        }
        if (replacedArg >= 0) {
            List<String> args = argumentTypes(descriptor);
            if (replacedArg >= args.size() || isWide(args.get(replacedArg))) {
                return "replaced argument out of range or wide";
            }
        }
        return null;
    }

    /** The entry hook's descriptor. */
    String enterDescriptor(boolean constructor) {
        StringBuilder d = new StringBuilder("(");
        if (!constructor) {
            d.append("Ljava/lang/Object;");
        }
        if (!thisOnly) {
            for (String a : argumentTypes(descriptor)) {
                d.append(erase(a));
            }
        }
        d.append(')');
        if (enterState) {
            d.append("Ljava/lang/Object;");
        } else if (replacedArg >= 0) {
            d.append(erase(argumentTypes(descriptor).get(replacedArg)));
        } else {
            d.append('V');
        }
        return d.toString();
    }

    /** The exit hook's descriptor. */
    String exitDescriptor() {
        StringBuilder d = new StringBuilder("(");
        String ret = returnType(descriptor);
        if (exitValue) {
            d.append(erase(ret));
        }
        if (exitOnThrow) {
            d.append("Ljava/lang/Throwable;");
        }
        if (enterState) {
            d.append("Ljava/lang/Object;");
        }
        d.append("Ljava/lang/Object;");
        if (!thisOnly) {
            for (String a : argumentTypes(descriptor)) {
                d.append(erase(a));
            }
        }
        d.append(')').append(exitReplacesValue ? erase(ret) : "V");
        return d.toString();
    }

    static String erase(String type) {
        char c = type.charAt(0);
        return c == 'L' || c == '[' ? "Ljava/lang/Object;" : type;
    }

    static boolean isWide(String type) {
        return type.equals("J") || type.equals("D");
    }

    static String returnType(String descriptor) {
        return descriptor.substring(descriptor.indexOf(')') + 1);
    }

    /** The argument types of a method descriptor, one descriptor each. */
    static List<String> argumentTypes(String descriptor) {
        List<String> out = new ArrayList<String>();
        int i = 1;
        while (descriptor.charAt(i) != ')') {
            int start = i;
            while (descriptor.charAt(i) == '[') {
                i++;
            }
            if (descriptor.charAt(i) == 'L') {
                i = descriptor.indexOf(';', i);
            }
            i++;
            out.add(descriptor.substring(start, i));
        }
        return out;
    }

    /** The internal name of a reference type's descriptor (an array's is its descriptor). */
    static String internalName(String type) {
        return type.charAt(0) == 'L' ? type.substring(1, type.length() - 1) : type;
    }

    static int loadOpcode(String type) {
        return opcode(type, 21, 22, 23, 24, 25); // ILOAD, LLOAD, FLOAD, DLOAD, ALOAD
    }

    static int storeOpcode(String type) {
        return opcode(type, 54, 55, 56, 57, 58); // ISTORE, LSTORE, FSTORE, DSTORE, ASTORE
    }

    private static int opcode(String type, int i, int l, int f, int d, int a) {
        switch (type.charAt(0)) {
            case 'J':
                return l;
            case 'F':
                return f;
            case 'D':
                return d;
            case 'L':
            case '[':
                return a;
            default:
                return i;
        }
    }

    @Override
    public String toString() {
        return key();
    }
}
