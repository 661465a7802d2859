package dev.lifeline.instrument;

import dev.lifeline.runtime.Libraries;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bootstrap bridge's forwarders (generated, not loaded on the bootstrap path here): for every module, one class in
 * {@code dev.lifeline.bridge} with exactly the static methods woven code calls, each with a handle of the same type.
 */
class BootBridgeTest {
    @Test
    void everyForwarderHasTheHookMethodsWovenCodeCallsAndAHandleOfTheSameType() throws Exception {
        for (InstrumentationModule m : Libraries.all()) {
            Map<String, Map<String, String>> hooks = BootBridge.hookMethods(m);
            // the module's own hook class, and for the Ganymed family the one its two libraries share
            assertThat(hooks.keySet()).contains(m.hookClass().getName().replace('.', '/'));
            for (Map.Entry<String, Map<String, String>> h : hooks.entrySet()) {
                checkForwarder(h.getKey(), h.getValue());
            }
        }
    }

    private static void checkForwarder(String hookClass, Map<String, String> methods) throws Exception {
        Class<?> hooksType = Class.forName(hookClass.replace('/', '.'));
        String name = BootBridge.forwarderName(hookClass);
        assertThat(name).isEqualTo("dev/lifeline/bridge/" + hooksType.getSimpleName());
        Class<?> forwarder = new Definer().define(name.replace('/', '.'), BootBridge.forwarder(name, methods));
        assertThat(forwarder.getClassLoader()).isNotNull();

        Set<String> declared = new HashSet<>();
        for (Method method : forwarder.getDeclaredMethods()) {
            assertThat(Modifier.isStatic(method.getModifiers()) && Modifier.isPublic(method.getModifiers())).isTrue();
            declared.add(method.getName() + MethodType.methodType(method.getReturnType(), method.getParameterTypes()).toMethodDescriptorString());
        }
        assertThat(declared).isEqualTo(methods.keySet());
        int n = 0;
        for (Map.Entry<String, String> e : methods.entrySet()) {
            Field f = forwarder.getField("h" + n++);
            MethodHandle target = BootBridge.target(hooksType, e.getKey(), e.getValue());
            assertThat(target.type().toMethodDescriptorString()).as(e.getKey()).isEqualTo(e.getValue());
            f.set(null, target); // what BootBridge does once the forwarder is on the bootstrap path
        }
        assertThat(n).isPositive();
    }

    /** A throwaway loader that sees only the JDK: the forwarders name nothing else. */
    private static final class Definer extends ClassLoader {
        Definer() {
            super(null);
        }

        Class<?> define(String name, byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
