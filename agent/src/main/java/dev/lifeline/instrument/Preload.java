package dev.lifeline.instrument;

import net.bytebuddy.jar.asm.ClassReader;

/**
 * Loads and links (never initialises) the weaver's classes (ASM's, {@link ClassShape}'s, {@link HookWeaver}'s) and the
 * library-neutral classes the hooks use on a daemon thread ({@code lifeline-preload}), started when the first class
 * of a covered library reaches the transformer. An application that loads JSch or MINA usually needs a few
 * milliseconds more before the first class Lifeline weaves ({@code Session}, {@code SshClient}): loading about 60
 * classes from the agent jar (some 15 ms, interpreted) then happens on another core instead of inside that class's
 * loading. A JVM without an SSH library never starts it.
 *
 * <p>Only class loading and linking: no static initialiser runs here, and a class that is missing or fails is skipped
 * (the thread that needs it loads it, or fails, as without this).
 */
final class Preload implements Runnable {
    /** In the order the weaver and then the first connect need them; relative to ASM's relocated package. */
    private static final String[] ASM = {
        "ClassVisitor", "ClassReader", "MethodVisitor", "Attribute", "Context", "MethodWriter", "Label", "Type",
        "Handle", "ClassWriter", "FieldVisitor", "FieldWriter", "AnnotationVisitor", "AnnotationWriter",
        "ModuleVisitor", "ModuleWriter", "RecordComponentVisitor", "RecordComponentWriter", "ComputeLimits",
        "SymbolTable", "Symbol", "SymbolTable$Entry", "ByteVector", "Frame", "CurrentFrame", "Handler", "Opcodes",
        "LimitExceededException", "ClassTooLargeException", "MethodTooLargeException",
    };
    private static final String[] LIFELINE = {
        "dev.lifeline.instrument.ClassShape", "dev.lifeline.instrument.HookWeaver",
        "dev.lifeline.instrument.HookWeaver$1", "dev.lifeline.instrument.HookWeaver$HookInserter",
        "dev.lifeline.report.Faults", "dev.lifeline.report.Counters", "dev.lifeline.config.Policy",
        "dev.lifeline.policy.SessionPolicy", "dev.lifeline.policy.SessionPlan", "dev.lifeline.report.Applied",
        "dev.lifeline.policy.Decide", "dev.lifeline.enforce.DeadlineScheduler", "dev.lifeline.enforce.SocketTuning",
        "dev.lifeline.enforce.ChannelControl", "dev.lifeline.enforce.ExecDeadline", "dev.lifeline.enforce.CloseDeadline",
    };
    private static boolean started;

    private Preload() {
    }

    /** Starts the preloading thread, once per JVM. Never throws. */
    static synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        try {
            Thread t = new Thread(new Preload(), "lifeline-preload");
            t.setDaemon(true);
            t.setPriority(Thread.MIN_PRIORITY);
            t.start();
        } catch (Throwable ignored) {
            // only an optimisation
        }
    }

    @Override
    public void run() {
        ClassLoader loader = Preload.class.getClassLoader();
        String asm = ClassReader.class.getName(); // relocated by the shade plugin like every reference to ASM
        asm = asm.substring(0, asm.lastIndexOf('.') + 1);
        for (String n : ASM) {
            load(asm + n, loader);
        }
        for (String n : LIFELINE) {
            load(n, loader);
        }
    }

    private static void load(String name, ClassLoader loader) {
        try {
            // loaded and linked (verified: reflection links a class), never initialised: no static initialiser runs
            // on this thread, so it cannot take part in a class initialisation deadlock with the application's
            Class.forName(name, false, loader).getDeclaredConstructors();
        } catch (Throwable ignored) {
            // not there (another ASM version) or failing: whoever needs it finds out as without preloading
        }
    }
}
