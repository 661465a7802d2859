package org.apache.sshd.fake;

import java.util.concurrent.CountDownLatch;

/** A "library call" that blocks: its frame is in MINA's package, so the thread counts as blocked in an SSH call. */
public final class BlockingCall {
    private BlockingCall() {
    }

    public static void waitFor(CountDownLatch latch) throws InterruptedException {
        latch.await();
    }
}
