package dev.lifeline.instrument;

import dev.lifeline.report.Counters;
import dev.lifeline.report.Faults;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Woven hooks are invisible to the library: a hook that fails is suppressed and counted ({@code internalErrors}), the
 * method returns what it returns without Lifeline, and a throwable of the method itself reaches its caller unchanged.
 */
class SuppressedHookTest {
    public static class Target implements Callable<String> {
        public boolean fail;

        @Override
        public String call() throws Exception {
            if (fail) {
                throw new IllegalStateException("the library's own");
            }
            return "result";
        }
    }

    /** Hooks in the shape library hooks have: catch, count, never throw. */
    public static final class ThrowingHooks {
        static volatile Throwable lastThrown;

        public static Object enter(Object self) {
            try {
                Faults.inject("SuppressedHookTest.enter");
                return "state";
            } catch (Throwable t) {
                Faults.suppressed(t);
                return null;
            }
        }

        public static void exit(Throwable thrown, Object state, Object self) {
            lastThrown = thrown;
            try {
                Faults.inject("SuppressedHookTest.exit");
            } catch (Throwable t) {
                Faults.suppressed(t);
            }
        }
    }

    @AfterEach
    void off() {
        Faults.enableForTests(false);
    }

    @SuppressWarnings("unchecked")
    static Callable<String> woven(Target fail) throws Exception {
        String name = Target.class.getName();
        byte[] bytes;
        try (InputStream in = Target.class.getResourceAsStream("/" + name.replace('.', '/') + ".class")) {
            bytes = in.readAllBytes();
        }
        Hook hook = Hook.on("call", "()Ljava/lang/String;", ThrowingHooks.class).enterKeepingState("enter").exitOrThrow("exit");
        Map<String, Hook> hooks = Collections.singletonMap(hook.key(), hook);
        byte[] woven = HookWeaver.weave(bytes, name.replace('.', '/'), ClassShape.of(bytes, hooks.keySet()), hooks);
        Class<?> type = new ClassLoader(Target.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
                if (n.equals(name)) {
                    Class<?> c = findLoadedClass(n);
                    return c != null ? c : defineClass(n, woven, 0, woven.length);
                }
                return super.loadClass(n, resolve);
            }
        }.loadClass(name);
        Object target = type.getDeclaredConstructor().newInstance();
        type.getDeclaredField("fail").setBoolean(target, fail != null && fail.fail);
        return (Callable<String>) target;
    }

    @Test
    void aThrowingHookIsInvisibleToTheAppAndCounted() throws Exception {
        Callable<String> target = woven(null);
        long before = Counters.Counter.INTERNAL_ERRORS.get();
        Faults.enableForTests(true);
        for (int i = 0; i < 100; i++) {
            assertThat(target.call()).isEqualTo("result");
        }
        assertThat(Counters.Counter.INTERNAL_ERRORS.get() - before).isEqualTo(200);
    }

    @Test
    void theLibrarysOwnThrowableReachesTheCallerAndTheExitHook() throws Exception {
        Target failing = new Target();
        failing.fail = true;
        Callable<String> target = woven(failing);
        assertThatThrownBy(target::call).isInstanceOf(IllegalStateException.class).hasMessage("the library's own");
        assertThat(ThrowingHooks.lastThrown).isInstanceOf(IllegalStateException.class);
        ThrowingHooks.lastThrown = null;
    }

    @Test
    void withoutFaultsNothingIsCounted() throws Exception {
        Callable<String> target = woven(null);
        long before = Counters.Counter.INTERNAL_ERRORS.get();
        assertThat(target.call()).isEqualTo("result");
        assertThat(ThrowingHooks.lastThrown).isNull();
        assertThat(Counters.Counter.INTERNAL_ERRORS.get()).isEqualTo(before);
    }
}
