package dev.lifeline.samples;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Benchmark helper for the many-sessions apps: live threads (every thread of the JVM, as ThreadMXBean counts them)
 * and heap used after full GCs, and a parallel opener.
 */
final class Footprint {
    final int threads;
    final long heap;
    final String agentThreads;

    private Footprint(int threads, long heap, String agentThreads) {
        this.threads = threads;
        this.heap = heap;
        this.agentThreads = agentThreads;
    }

    /**
     * The figures a per-session cost is counted from: taken once the agent's deferred start is over, so that its
     * one-off costs (JMX registration, the platform MBean server it creates, the look at loaded classes: all on the
     * {@code lifeline-jmx} thread, some 5 s after start-up) are in the base and not divided by N as if per session.
     * Without the agent there is no such thread and nothing to wait for.
     */
    static Footprint base() throws InterruptedException {
        awaitAgentSettled();
        return measure();
    }

    /** Waits while a {@code lifeline-jmx} thread is alive: it ends when the deferred start and registration are done. */
    static void awaitAgentSettled() throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L; // the registration delay is 5 s, 60 s in an app server
        while (agentStarting() && System.nanoTime() - deadline < 0) {
            Thread.sleep(50);
        }
    }

    private static boolean agentStarting() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("lifeline-jmx") && t.isAlive()) {
                return true;
            }
        }
        return false;
    }

    static Footprint measure() throws InterruptedException {
        long heap = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            // the smallest of several reads: allocation between the GC and the read only ever adds
            heap = Math.min(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        StringBuilder lifeline = new StringBuilder();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("lifeline")) {
                lifeline.append(lifeline.length() == 0 ? "" : ",").append(t.getName());
            }
        }
        return new Footprint(ManagementFactory.getThreadMXBean().getThreadCount(), heap,
                lifeline.length() == 0 ? "none" : lifeline.toString());
    }

    /** {@code threads_<suffix>}, {@code heap_<suffix>}, and the agent's own threads by name ({@code lifeline*}). */
    /**
     * With {@code -Dsample.histogram=PREFIX}: the live-object class histogram (the JVM's {@code GC.class_histogram}
     * diagnostic command), written to {@code PREFIX-<suffix>.txt}, to see what a per-session difference is made of;
     * the apps take one at {@code base} and one {@code after}, so a diff of the growths with and without the agent
     * leaves out what the agent holds from its start. With {@code -Dsample.heapdump=PREFIX}: a heap dump of the live
     * objects too ({@code PREFIX-<suffix>.hprof}), to find what holds them.
     */
    static void histogram(String suffix) {
        String dump = System.getProperty("sample.heapdump");
        if (dump != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().invoke(
                        new javax.management.ObjectName("com.sun.management:type=HotSpotDiagnostic"), "dumpHeap",
                        new Object[]{dump + "-" + suffix + ".hprof", Boolean.TRUE}, new String[]{String.class.getName(), "boolean"});
            } catch (Exception e) {
                System.err.println("heap dump failed: " + e);
            }
        }
        String prefix = System.getProperty("sample.histogram");
        if (prefix == null) {
            return;
        }
        try {
            Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[]{null}, new String[]{String[].class.getName()});
            java.nio.file.Files.write(java.nio.file.Paths.get(prefix + "-" + suffix + ".txt"),
                    String.valueOf(text).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (Exception e) {
            System.err.println("histogram failed: " + e);
        }
    }

    void report(Result r, String suffix) {
        r.with("threads_" + suffix, threads).with("heap_" + suffix, heap).with("agent_threads_" + suffix, agentThreads);
    }

    /** Runs {@code open} {@code count} times on {@code workers} threads (gone again when this returns). */
    static <T> List<T> openAll(final int count, int workers, final Callable<T> open) throws Exception {
        final List<T> out = new ArrayList<T>();
        final AtomicReference<Exception> failure = new AtomicReference<Exception>();
        List<Thread> threads = new ArrayList<Thread>();
        for (int w = 0; w < workers; w++) {
            final int share = count / workers + (w < count % workers ? 1 : 0);
            Thread th = new Thread(new Runnable() {
                @Override
                public void run() {
                    for (int i = 0; i < share && failure.get() == null; i++) {
                        try {
                            T t = open.call();
                            synchronized (out) {
                                out.add(t);
                            }
                        } catch (Exception e) {
                            failure.compareAndSet(null, e);
                        }
                    }
                }
            }, "opener-" + w);
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) {
            th.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return out;
    }
}
