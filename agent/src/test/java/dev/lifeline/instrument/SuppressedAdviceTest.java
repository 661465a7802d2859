package dev.lifeline.instrument;

import dev.lifeline.report.Counters;
import dev.lifeline.report.Faults;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.Callable;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exception handler {@link SshTransformers#advice()} puts into every advice: what an advice method throws is
 * suppressed (the instrumented method runs and returns as without Lifeline) and counted as {@code internalErrors}.
 */
class SuppressedAdviceTest {
    public static class Target implements Callable<String> {
        @Override
        public String call() {
            return "result";
        }
    }

    public static final class ThrowingAdvice {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void onEnter() {
            Faults.inject("SuppressedAdviceTest.enter");
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void onExit() {
            Faults.inject("SuppressedAdviceTest.exit");
        }
    }

    @AfterEach
    void off() {
        Faults.enableForTests(false);
    }

    @SuppressWarnings("unchecked")
    private static Callable<String> instrumented() throws Exception {
        DynamicType.Builder<?> builder = SshTransformers.advice().advice(named("call"), ThrowingAdvice.class.getName())
                .transform(new ByteBuddy().redefine(Target.class), TypeDescription.ForLoadedType.of(Target.class),
                        Target.class.getClassLoader(), null, null);
        Class<?> type = builder.make().load(new ClassLoader(Target.class.getClassLoader()) {
        }, ClassLoadingStrategy.Default.CHILD_FIRST).getLoaded();
        return (Callable<String>) type.getDeclaredConstructor().newInstance();
    }

    @Test
    void aThrowingHookIsInvisibleToTheAppAndCountedOncePerAdviceMethod() throws Exception {
        Callable<String> target = instrumented();
        long before = Counters.Counter.INTERNAL_ERRORS.get();
        Faults.enableForTests(true);
        for (int i = 0; i < 100; i++) {
            assertThat(target.call()).isEqualTo("result");
        }
        assertThat(Counters.Counter.INTERNAL_ERRORS.get() - before).isEqualTo(200);
    }

    @Test
    void withoutFaultsNothingIsCounted() throws Exception {
        Callable<String> target = instrumented();
        long before = Counters.Counter.INTERNAL_ERRORS.get();
        assertThat(target.call()).isEqualTo("result");
        assertThat(Counters.Counter.INTERNAL_ERRORS.get()).isEqualTo(before);
    }
}
