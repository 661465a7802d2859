package dev.lifeline.jsch;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.Session;
import dev.lifeline.instrument.LiveThreads;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 24: JSch sessions are found at attach through the threads that run them, whatever an app named those threads
 * (JSch names its reader {@code "Connect thread HOST session"}; an app may rename it). Real, unconnected JSch sessions,
 * each held the ways an app's thread factory may hold JSch's reader task: a lambda's capture under another name, a
 * wrapping Runnable around that, a {@code Thread} subclass keeping it in a field.
 */
class RenamedReaderFoundTest {
    /**
     * In a child JVM with {@code java.lang} open, as the agent opens it with its {@code Instrumentation}
     * ({@code ModuleAccess}): without it a {@code Thread}'s task is not readable on JDK 9+, and this JVM has no agent.
     */
    @Test
    void sessionsAreFoundThroughThreadsOfAnyName() throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Child.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("found renamed=true wrapped=true subclass=true unreached=0");
    }

    /** The scenario: three real, unconnected JSch sessions, each held by a thread not named as JSch names its reader. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            JSch jsch = new JSch();
            Session renamed = jsch.getSession("u", "10.0.0.1", 22);
            Session wrapped = jsch.getSession("u", "10.0.0.2", 22);
            Session subclass = jsch.getSession("u", "10.0.0.3", 22);
            CountDownLatch end = new CountDownLatch(1);
            Runnable jschTask = () -> await(end, renamed); // as JSch's own this::run: a lambda capturing the session
            Runnable inner = () -> await(end, wrapped);
            Runnable wrapper = () -> inner.run(); // an app's factory wrapping JSch's task
            List<Thread> threads = new ArrayList<>(Arrays.asList(new Thread(jschTask, "sftp-io-1"),
                    new Thread(wrapper, "pool-3-thread-1"), new Holder(() -> await(end, subclass))));
            threads.forEach(Thread::start);
            List<Object> found = JschFound.sessions(LiveThreads.all());
            // none of them runs JSch's Session.run: no reader is left unreached
            System.out.println("found renamed=" + found.contains(renamed) + " wrapped=" + found.contains(wrapped)
                    + " subclass=" + found.contains(subclass) + " unreached=" + JschFound.unreached(threads, found).size());
            end.countDown();
        }
    }

    @Test
    void threadsRunningAMethodAreToldByTheirStack() throws Exception {
        CountDownLatch end = new CountDownLatch(1);
        Thread t = new Thread(() -> parkedHere(end), "renamed-reader");
        t.start();
        try {
            org.awaitility.Awaitility.await().until(() -> t.getState() == Thread.State.WAITING);
            assertThat(LiveThreads.running(LiveThreads.all(), RenamedReaderFoundTest.class.getName(), "parkedHere"))
                    .containsExactly(t);
            assertThat(LiveThreads.running(LiveThreads.all(), "com.jcraft.jsch.Session", "run")).isEmpty();
        } finally {
            end.countDown();
            t.join(10_000);
        }
    }

    private static void parkedHere(CountDownLatch end) {
        await(end, null);
    }

    private static void await(CountDownLatch end, Object held) {
        try {
            end.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A thread class of an app's own, keeping its task in a field of its own. */
    private static final class Holder extends Thread {
        private final Runnable task;

        Holder(Runnable task) {
            super("app-reader");
            this.task = task;
        }

        @Override
        public void run() {
            task.run();
        }
    }
}
