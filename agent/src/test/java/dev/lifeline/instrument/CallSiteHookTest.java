package dev.lifeline.instrument;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A call-site hook ({@link Hook#onCall}): every call of {@code InputStream.read(byte[], int, int)} in a class, in any
 * of its methods (a lambda's and a loop's included), calls the hook instead, with the receiver first; other calls stay.
 * The in-place patcher and ASM (its fallback) both weave it; the JVM verifies and runs what each wrote. An interface
 * call ({@code invokeinterface}, two bytes longer than the {@code invokestatic} that replaces it) is redirected too.
 */
class CallSiteHookTest {
    static final List<String> CALLS = new CopyOnWriteArrayList<>();

    /** The hook: does what the call did, and says so. */
    public static final class Hooks {
        public static int read(Object in, Object bytes, int off, int len) throws IOException {
            CALLS.add("read " + len);
            if (len == 13) {
                throw new IOException("from the hook");
            }
            return ((InputStream) in).read((byte[]) bytes, off, len);
        }

        public static int getAsInt(Object supplier) {
            CALLS.add("getAsInt");
            return ((IntSupplier) supplier).getAsInt() + 1;
        }
    }

    /** What is woven: reads in two methods, plus a call the hook does not name. */
    public static final class Reader {
        public int readAll(InputStream in) throws IOException {
            byte[] b = new byte[4];
            int total = 0;
            for (int n; (n = in.read(b, 0, b.length)) > 0; ) {
                total += n;
            }
            return total + (in.read() < 0 ? 0 : 1000); // read(): not named, not replaced
        }

        public int readThirteen(InputStream in) throws IOException {
            return in.read(new byte[13], 0, 13);
        }

        public int supplied(IntSupplier s, int times) {
            int total = 0;
            for (int i = 0; i < times; i++) {
                total += s.getAsInt();
            }
            return total;
        }
    }

    @Test
    void everyNamedCallIsReplacedAndTheClassVerifies() throws Exception {
        String owner = Reader.class.getName().replace('.', '/');
        byte[] original = ClassBytes.read(Reader.class.getClassLoader(), owner + ".class");
        Hook h = Hook.onCall("java/io/InputStream", "read", "([BII)I", Hooks.class).redirect("read");
        assertThat(h.problem(false)).isNull();
        assertThat(h.redirectDescriptor()).isEqualTo("(Ljava/lang/Object;Ljava/lang/Object;II)I");
        Hook i = Hook.onCall("java/util/function/IntSupplier", "getAsInt", "()I", Hooks.class).redirect("getAsInt");
        Map<String, Hook> hooks = new LinkedHashMap<>();
        hooks.put(h.key(), h);
        hooks.put(i.key(), i);
        ClassFile file = new ClassFile(original);
        ClassShape shape = ClassShape.of(file, new HashSet<>(hooks.keySet()));
        byte[] patched = ClassPatcher.weave(file, owner, shape, hooks);
        assertThat(ClassPatcherTest.listing(patched)).isEqualTo(ClassPatcherTest.listing(HookWeaver.weave(original, owner, shape, hooks)));
        runs(patched);
        runs(HookWeaver.weave(original, owner, shape, hooks));
    }

    private static void runs(byte[] woven) throws Exception {
        Class<?> c = new ClassLoader(CallSiteHookTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(Reader.class.getName(), woven, 0, woven.length);
            }
        }.define();
        Object reader = c.getConstructor().newInstance();
        CALLS.clear();
        assertThat(c.getMethod("readAll", InputStream.class).invoke(reader, new ByteArrayInputStream(new byte[10])))
                .isEqualTo(10);
        assertThat(CALLS).containsExactly("read 4", "read 4", "read 4", "read 4");
        assertThatThrownBy(() -> c.getMethod("readThirteen", InputStream.class).invoke(reader, new ByteArrayInputStream(new byte[1])))
                .hasRootCauseMessage("from the hook");
        CALLS.clear();
        IntSupplier two = () -> 2;
        assertThat(c.getMethod("supplied", IntSupplier.class, int.class).invoke(reader, two, 3)).isEqualTo(9);
        assertThat(CALLS).containsExactly("getAsInt", "getAsInt", "getAsInt");
    }
}
