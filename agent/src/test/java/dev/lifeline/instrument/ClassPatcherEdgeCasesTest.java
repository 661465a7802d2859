package dev.lifeline.instrument;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * What the libraries in the bench may not have, written here on purpose: switches (their padding), a loop back to the
 * first instruction, a catch-all around code that throws, a constructor, a replaced argument and value, a state slot
 * beyond 255 (wide loads), a jump that outgrows 16 bits (left to ASM). Each class is patched, verified by the JVM
 * and run; the hooks see what they should.
 */
class ClassPatcherEdgeCasesTest {
    static final List<String> CALLS = Collections.synchronizedList(new ArrayList<>());
    private static final String TARGET = "dev/lifeline/instrument/PatchTarget";
    private static final String HOOKS = Hooks.class.getName().replace('.', '/');

    /** The hooks the woven code calls; public, as a library's loader resolves them by name. */
    public static final class Hooks {
        public static int pickExit(int value, Object self, int k) {
            return value + 1000;
        }

        public static Object loopEnter(Object self, long n) {
            return "state" + n;
        }

        public static void loopExit(Throwable thrown, Object state, Object self, long n) {
            CALLS.add("loop " + state + " " + (thrown == null ? "returned" : thrown.getMessage()));
        }

        public static void created(Object s) {
            CALLS.add("created " + s);
        }

        public static Object replaceArg(Object self, Object a, int b) {
            return "replaced " + a + " " + b;
        }

        public static Object manyEnter(Object self, Object a) {
            return "many";
        }

        public static void manyExit(Object value, Object state, Object self, Object a) {
            CALLS.add("many " + value + " " + state);
        }

        public static void oddExit(Throwable thrown, Object self, Object a) {
            CALLS.add("odd " + (thrown == null ? "returned" : thrown.getClass().getSimpleName()));
        }
    }

    /**
     * Names are modified UTF-8 in a class file: one outside ASCII (a parameter type here) is read by {@link ClassFile}
     * and written back into the appended constant pool (the handler's frame names it) as the JVM reads it.
     */
    @Test
    void namesOutsideAsciiAreReadAndWrittenAsTheJvmReadsThem() throws Exception {
        String descriptor = "([Ldev/lifeline/Ünïcødé€;)V"; // a class that does not exist: nothing here loads it
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC, TARGET, null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        // private, so that reflection on the public methods never resolves its parameter type
        mv = cw.visitMethod(Opcodes.ACC_PRIVATE, "odd", descriptor, null, null);
        mv.visitCode();
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "callOdd", "()V", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitInsn(Opcodes.ACONST_NULL);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, TARGET, "odd", descriptor, false);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitField(Opcodes.ACC_PUBLIC, "fïeld€", "I", null, null).visitEnd();
        cw.visitEnd();
        byte[] original = cw.toByteArray();

        Map<String, Hook> hooks = new LinkedHashMap<>();
        hooks.put("odd" + descriptor, Hook.on("odd", descriptor, Hooks.class).exitOrThrow("oddExit"));
        ClassFile file = new ClassFile(original);
        ClassShape shape = ClassShape.of(file, new HashSet<>(hooks.keySet()));
        assertThat(shape.fields).contains("fïeld€");
        assertThat(shape.methods).containsKey("odd" + descriptor);
        byte[] patched = ClassPatcher.weave(file, TARGET, shape, hooks);
        assertThat(ClassPatcherTest.listing(patched)).isEqualTo(ClassPatcherTest.listing(HookWeaver.weave(original, TARGET, shape, hooks)));
        Class<?> c = define(patched);
        c.getMethod("callOdd").invoke(c.getConstructor().newInstance());
        assertThat(CALLS).containsExactly("odd returned");
    }

    @BeforeEach
    void clear() {
        CALLS.clear();
    }

    @Test
    void switchesLoopsHandlersConstructorsAndWideSlotsArePatchedVerifiedAndRun() throws Exception {
        Map<String, Hook> hooks = new LinkedHashMap<>();
        hooks.put("pick(I)I", Hook.on("pick", "(I)I", Hooks.class).exitReplacingValue("pickExit"));
        hooks.put("loop(J)J", Hook.on("loop", "(J)J", Hooks.class).enterKeepingState("loopEnter").exitOrThrow("loopExit"));
        hooks.put("<init>(Ljava/lang/String;)V", Hook.on("<init>", "(Ljava/lang/String;)V", Hooks.class).enter("created"));
        hooks.put("replace(Ljava/lang/Object;I)Ljava/lang/Object;",
                Hook.on("replace", "(Ljava/lang/Object;I)Ljava/lang/Object;", Hooks.class).enterReplacingArg("replaceArg", 0));
        hooks.put("many(Ljava/lang/Object;)Ljava/lang/Object;",
                Hook.on("many", "(Ljava/lang/Object;)Ljava/lang/Object;", Hooks.class).enterKeepingState("manyEnter").exitWithValue("manyExit"));
        byte[] original = target(false);
        ClassFile file = new ClassFile(original);
        ClassShape shape = ClassShape.of(file, new HashSet<>(hooks.keySet()));
        byte[] patched = ClassPatcher.weave(file, TARGET, shape, hooks);
        assertThat(ClassPatcherTest.listing(patched)).isEqualTo(ClassPatcherTest.listing(HookWeaver.weave(original, TARGET, shape, hooks)));

        Class<?> c = define(patched);
        Object t = c.getConstructor(String.class).newInstance("x");
        assertThat(CALLS).containsExactly("created x");
        Method pick = c.getMethod("pick", int.class);
        assertThat(pick.invoke(t, 1)).isEqualTo(1010);
        assertThat(pick.invoke(t, 3)).isEqualTo(1030);
        assertThat(pick.invoke(t, 7)).isEqualTo(999);
        assertThat(pick.invoke(t, 100)).isEqualTo(1001);
        assertThat(pick.invoke(t, 55)).isEqualTo(1000);
        Method loop = c.getMethod("loop", long.class);
        assertThat(loop.invoke(t, 5L)).isEqualTo(0L);
        assertThatThrownBy(() -> loop.invoke(t, -1L)).isInstanceOf(InvocationTargetException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(c.getMethod("replace", Object.class, int.class).invoke(t, "a", 2)).isEqualTo("replaced a 2");
        assertThat(c.getMethod("many", Object.class).invoke(t, "m")).isEqualTo("m");
        assertThat(CALLS).containsExactly("created x", "loop state5 returned", "loop state-1 negative", "many m many");
    }

    @Test
    void aJumpThatNoLongerFitsSixteenBitsIsLeftToAsm() throws Exception {
        Map<String, Hook> hooks = new LinkedHashMap<>();
        hooks.put("loop(J)J", Hook.on("loop", "(J)J", Hooks.class).enterKeepingState("loopEnter").exitOrThrow("loopExit"));
        byte[] original = target(true);
        ClassFile file = new ClassFile(original);
        ClassShape shape = ClassShape.of(file, new HashSet<>(hooks.keySet()));
        assertThatThrownBy(() -> ClassPatcher.weave(file, TARGET, shape, hooks))
                .isInstanceOf(ClassPatcher.Unsupported.class).hasMessageContaining("jump too far");
        Class<?> c = define(HookWeaver.weave(original, TARGET, shape, hooks));
        assertThat(c.getMethod("loop", long.class).invoke(c.getConstructor(String.class).newInstance("y"), 2L)).isEqualTo(0L);
    }

    /**
     * A class file damaged anywhere (a switch whose bounds make its length zero or negative, a count past the end)
     * ends the patch with an exception the transformer catches (the class is then left as it was), never with a loop
     * that holds the thread loading the class.
     */
    @Test
    void aDamagedClassFileEndsThePatchAndNeverHoldsTheLoadingThread() {
        Map<String, Hook> hooks = new LinkedHashMap<>();
        hooks.put("pick(I)I", Hook.on("pick", "(I)I", Hooks.class).exitReplacingValue("pickExit"));
        hooks.put("loop(J)J", Hook.on("loop", "(J)J", Hooks.class).enterKeepingState("loopEnter").exitOrThrow("loopExit"));
        byte[] original = target(false);
        java.util.Random random = new java.util.Random(14);
        int[] outcomes = new int[3]; // patched, unsupported, runtime exception
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 20_000; i++) {
                byte[] damaged = original.clone();
                for (int k = 1 + random.nextInt(3); k > 0; k--) {
                    damaged[random.nextInt(damaged.length)] = (byte) (random.nextBoolean() ? random.nextInt() : 0xFF);
                }
                try {
                    ClassFile file = new ClassFile(damaged);
                    ClassPatcher.weave(file, TARGET, ClassShape.of(file, new HashSet<>(hooks.keySet())), hooks);
                    outcomes[0]++;
                } catch (ClassPatcher.Unsupported e) {
                    outcomes[1]++;
                } catch (RuntimeException e) {
                    outcomes[2]++;
                }
            }
        });
        assertThat(outcomes[1] + outcomes[2]).as("damage noticed").isGreaterThan(0);
    }

    private static Class<?> define(byte[] bytes) throws Exception {
        return new ClassLoader(ClassPatcherEdgeCasesTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(TARGET.replace('/', '.'), bytes, 0, bytes.length);
            }
        }.define();
    }

    /** @param longJump pad {@code loop} so that its backward jump spans just under 32 KiB */
    private static byte[] target(boolean longJump) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC, TARGET, null, "java/lang/Object", null);

        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "(Ljava/lang/String;)V", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();

        // pick(k): a tableswitch (1..3 -> k*10), a lookupswitch (7 -> -1, 100 -> 1), else 0
        mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "pick", "(I)I", null, null);
        mv.visitCode();
        mv.visitInsn(Opcodes.NOP); // the switches start at an offset that is not a multiple of 4
        Label times10 = new Label();
        Label lookup = new Label();
        Label minus = new Label();
        Label one = new Label();
        Label zero = new Label();
        mv.visitVarInsn(Opcodes.ILOAD, 1);
        mv.visitTableSwitchInsn(1, 3, lookup, times10, times10, times10);
        mv.visitLabel(times10);
        mv.visitVarInsn(Opcodes.ILOAD, 1);
        mv.visitIntInsn(Opcodes.BIPUSH, 10);
        mv.visitInsn(Opcodes.IMUL);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitLabel(lookup);
        mv.visitVarInsn(Opcodes.ILOAD, 1);
        mv.visitLookupSwitchInsn(zero, new int[]{7, 100}, new Label[]{minus, one});
        mv.visitLabel(minus);
        mv.visitInsn(Opcodes.ICONST_M1);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitLabel(one);
        mv.visitInsn(Opcodes.ICONST_1);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitLabel(zero);
        mv.visitInsn(Opcodes.ICONST_0);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();

        // loop(n): the loop's head is the first instruction; a negative n throws
        mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "loop", "(J)J", null, null);
        mv.visitCode();
        Label head = new Label();
        Label done = new Label();
        Label negative = new Label();
        mv.visitLabel(head);
        mv.visitVarInsn(Opcodes.LLOAD, 1);
        mv.visitInsn(Opcodes.LCONST_0);
        mv.visitInsn(Opcodes.LCMP);
        mv.visitJumpInsn(Opcodes.IFLT, negative);
        mv.visitVarInsn(Opcodes.LLOAD, 1);
        mv.visitInsn(Opcodes.LCONST_0);
        mv.visitInsn(Opcodes.LCMP);
        mv.visitJumpInsn(Opcodes.IFEQ, done);
        if (longJump) {
            for (int i = 0; i < 32745; i++) {
                mv.visitInsn(Opcodes.NOP);
            }
        }
        mv.visitVarInsn(Opcodes.LLOAD, 1);
        mv.visitInsn(Opcodes.LCONST_1);
        mv.visitInsn(Opcodes.LSUB);
        mv.visitVarInsn(Opcodes.LSTORE, 1);
        mv.visitJumpInsn(Opcodes.GOTO, head);
        mv.visitLabel(done);
        mv.visitVarInsn(Opcodes.LLOAD, 1);
        mv.visitInsn(Opcodes.LRETURN);
        mv.visitLabel(negative);
        mv.visitTypeInsn(Opcodes.NEW, "java/lang/IllegalStateException");
        mv.visitInsn(Opcodes.DUP);
        mv.visitLdcInsn("negative");
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/IllegalStateException", "<init>", "(Ljava/lang/String;)V", false);
        mv.visitInsn(Opcodes.ATHROW);
        mv.visitMaxs(0, 0);
        mv.visitEnd();

        // replace(a, b): returns a
        mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "replace", "(Ljava/lang/Object;I)Ljava/lang/Object;", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();

        // many(a): 300 locals, so the hook's state lives in a slot only wide loads reach; a branch needs a frame
        mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "many", "(Ljava/lang/Object;)Ljava/lang/Object;", null, null);
        mv.visitCode();
        Label same = new Label();
        mv.visitVarInsn(Opcodes.ALOAD, 1);
        mv.visitVarInsn(Opcodes.ASTORE, 299);
        mv.visitVarInsn(Opcodes.ALOAD, 299);
        mv.visitJumpInsn(Opcodes.IFNONNULL, same);
        mv.visitInsn(Opcodes.ACONST_NULL);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitLabel(same);
        mv.visitVarInsn(Opcodes.ALOAD, 299);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();

        cw.visitEnd();
        return cw.toByteArray();
    }
}
