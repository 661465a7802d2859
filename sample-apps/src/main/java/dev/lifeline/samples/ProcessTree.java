package dev.lifeline.samples;

import java.lang.reflect.Method;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Kills a child process and everything it started. A sample app forks nothing itself, but an exec through the embedded
 * server or a shell can leave grandchildren that would outlive a test. The samples compile for Java 8, which has no
 * {@code ProcessHandle}, so the descendants are found reflectively on the Java 9+ runtimes that actually run them.
 */
final class ProcessTree {
    private ProcessTree() {
    }

    static void destroy(Process process) {
        destroyNow(process);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the process and its descendants (descendants first, while they are still its descendants), no wait. */
    static void destroyNow(Process process) {
        destroyDescendants(process);
        process.destroyForcibly();
    }

    private static void destroyDescendants(Process process) {
        try {
            Method descendants = Process.class.getMethod("descendants");
            Stream<?> handles = (Stream<?>) descendants.invoke(process);
            // through the public interface: the implementing class is not accessible
            Method destroyForcibly = Class.forName("java.lang.ProcessHandle").getMethod("destroyForcibly");
            for (Object h : handles.toArray()) {
                destroyForcibly.invoke(h);
            }
        } catch (NoSuchMethodException java8) {
            // no way to walk the tree: the child itself is still destroyed by the caller
        } catch (ReflectiveOperationException | RuntimeException e) {
            // best effort on the way out; the child itself is still destroyed by the caller
        }
    }
}
