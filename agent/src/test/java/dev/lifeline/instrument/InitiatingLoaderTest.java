package dev.lifeline.instrument;

import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The JVM behaviour {@link BootBridge} relies on for OSGi bundles (architecture.md, "Reaching isolated class
 * loaders"): once {@code Class.forName(name, false, L)} has returned a class that L got from another loader, L is
 * recorded as an initiating loader of it, and a class defined by L resolves that name from the record, without calling
 * L's {@code loadClass} again, even when L would now refuse it (a framework that delegates only for a caller outside
 * its bundles). Checked here with a refusing loader and generated classes; by hand the same holds with the class on the
 * bootstrap path on JDK 11, 17 and 25.
 */
class InitiatingLoaderTest {
    @Test
    void aLoaderThatAnsweredOnceIsNeverAskedAgainByItsOwnClasses() throws Throwable {
        Definer parent = new Definer(null);
        parent.define("probe.Bridge", bridge());
        Refusing first = new Refusing(parent);
        first.define("probe.Library", library());
        assertThatThrownBy(() -> callLibrary(first)).as("the control: this loader refuses the bridge's name")
                .isInstanceOf(NoClassDefFoundError.class);

        Refusing second = new Refusing(parent);
        second.define("probe.Library", library());
        second.answer = true; // as an OSGi loader answers a request from outside any bundle: Lifeline's check
        assertThat(Class.forName("probe.Bridge", false, second).getClassLoader()).isSameAs(parent);
        second.answer = false;
        int asked = second.asked;
        assertThat(callLibrary(second)).isEqualTo("bridge");
        assertThat(second.asked).as("loadClass calls after the check").isEqualTo(asked);
    }

    private static Object callLibrary(ClassLoader loader) throws Throwable {
        try {
            return Class.forName("probe.Library", true, loader).getMethod("call").invoke(null);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** {@code probe.Bridge.hi()} returns "bridge". */
    private static byte[] bridge() {
        return withStaticMethod("probe/Bridge", "hi", mv -> mv.visitLdcInsn("bridge"));
    }

    /** {@code probe.Library.call()} returns {@code probe.Bridge.hi()}. */
    private static byte[] library() {
        return withStaticMethod("probe/Library", "call",
                mv -> mv.visitMethodInsn(Opcodes.INVOKESTATIC, "probe/Bridge", "hi", "()Ljava/lang/String;", false));
    }

    private static byte[] withStaticMethod(String name, String method, java.util.function.Consumer<MethodVisitor> body) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, method, "()Ljava/lang/String;", null, null);
        mv.visitCode();
        body.accept(mv);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static class Definer extends ClassLoader {
        Definer(ClassLoader parent) {
            super(parent);
        }

        void define(String name, byte[] bytes) {
            defineClass(name, bytes, 0, bytes.length);
        }
    }

    /** Delegates {@code probe.Bridge} to its parent only while {@code answer} is set; counts every request for it. */
    private static final class Refusing extends Definer {
        volatile boolean answer;
        volatile int asked;

        Refusing(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.equals("probe.Bridge")) {
                asked++;
                if (!answer) {
                    throw new ClassNotFoundException(name);
                }
                return getParent().loadClass(name);
            }
            return super.loadClass(name, resolve);
        }
    }
}
