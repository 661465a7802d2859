package org.apache.sshd.fake;

import java.util.concurrent.CountDownLatch;

/** A "library call" that blocks: its frame is in MINA's package, so the thread counts as blocked in an SSH call. */
public final class BlockingCall {
    private BlockingCall() {
    }

    public static void waitFor(CountDownLatch latch) throws InterruptedException {
        latch.await();
    }

    /** Waits on {@code lock}'s monitor until notified, as MINA's futures and JSch's pipes do. */
    public static void waitOn(Object lock, CountDownLatch release) throws InterruptedException {
        synchronized (lock) {
            while (release.getCount() > 0) {
                lock.wait(100);
            }
        }
    }

    /**
     * A channel pipe's read, as JSch's {@code PipedInputStream}: waits on {@code pipe}, polling every second, until it
     * holds data, then takes one unit. A reader calls it in a loop.
     */
    public static void read(Object pipe, java.util.concurrent.atomic.AtomicInteger available) throws InterruptedException {
        synchronized (pipe) {
            while (available.get() == 0) {
                pipe.wait(1000);
            }
            available.decrementAndGet();
        }
    }
}
