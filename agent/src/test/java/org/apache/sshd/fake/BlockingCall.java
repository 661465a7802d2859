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
}
