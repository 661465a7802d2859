package dev.lifeline.instrument;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where a thread blocked reading a library's stream took that stream from: the innermost method on its stack, outside
 * the JDK and the library, whose bytecode invokes the stream's getter, and on which of the types asked about
 * ({@link CallSites#methodInvokes}). Issue 24: sshj's one session channel class is an exec and a shell alike, and a
 * thread reading an exec's output holds only an {@code InputStream}; the method that took it, by
 * {@code cmd.getInputStream()}, compiled as a call on {@code Session.Command} (the type only {@code exec()} returns),
 * says which. Names no library. No evidence (no line numbers, no class bytes, a stream handed over by another method
 * or thread) is {@code null}, never a guess.
 */
public final class StreamGetter {
    /** The frame whose method invokes the getter. */
    public final StackTraceElement frame;
    /** The types (internal names, in the order asked) on which that method invokes the getter; never empty. */
    public final List<String> owners;

    public StreamGetter(StackTraceElement frame, List<String> owners) {
        this.frame = frame;
        this.owners = Collections.unmodifiableList(new ArrayList<String>(owners));
    }

    /** What a method invokes on a type; {@link CallSites#methodInvokes} outside tests. */
    public interface Bytecode {
        boolean invokes(StackTraceElement frame, String owner, String method);
    }

    /**
     * The innermost frame of {@code frames} from {@code from} on (innermost first), skipping the JDK's and those whose
     * class starts with one of {@code skipped} (the library's own: its code takes no application's stream), whose
     * method invokes {@code getter} on any of {@code owners}; null when none does.
     */
    public static StreamGetter innermost(StackTraceElement[] frames, int from, List<String> skipped, String getter,
                                         List<String> owners, Bytecode bytecode) {
        for (int i = Math.max(0, from); i < frames.length; i++) {
            StackTraceElement f = frames[i];
            if (skipped(f.getClassName(), skipped)) {
                continue;
            }
            List<String> on = new ArrayList<String>();
            for (String owner : owners) {
                if (bytecode.invokes(f, owner, getter)) {
                    on.add(owner);
                }
            }
            if (!on.isEmpty()) {
                return new StreamGetter(f, on);
            }
        }
        return null;
    }

    /** {@link #innermost(StackTraceElement[], int, List, String, List, Bytecode)} on the class files {@code loaders} find. */
    public static StreamGetter innermost(StackTraceElement[] frames, int from, List<String> skipped, String getter,
                                         List<String> owners, final List<ClassLoader> loaders) {
        return innermost(frames, from, skipped, getter, owners, new Bytecode() {
            @Override
            public boolean invokes(StackTraceElement frame, String owner, String method) {
                return CallSites.methodInvokes(frame, loaders, owner).contains(method);
            }
        });
    }

    private static boolean skipped(String type, List<String> skipped) {
        if (type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.")) {
            return true;
        }
        for (String prefix : skipped) {
            if (type.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
