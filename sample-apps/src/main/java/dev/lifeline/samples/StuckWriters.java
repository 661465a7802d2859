package dev.lifeline.samples;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The writers of the close-on-a-dead-peer samples: one thread per channel streaming 32 KB chunks into it until the
 * session goes away. Started only once the test has cut the cable, so that an app waiting for its trigger does not
 * stream at full speed on a shared machine while other JVMs start, and everything written stays queued towards the
 * dead peer.
 */
final class StuckWriters {
    private final AtomicLong written = new AtomicLong();
    private final List<Thread> threads = new ArrayList<Thread>();

    /** @param flush after each chunk, as an app that flushes each write does */
    StuckWriters(List<OutputStream> streams, final boolean flush) {
        for (int i = 0; i < streams.size(); i++) {
            final OutputStream out = streams.get(i);
            Thread writer = new Thread(new Runnable() {
                @Override
                public void run() {
                    byte[] chunk = new byte[32 * 1024];
                    try {
                        while (true) {
                            out.write(chunk);
                            if (flush) {
                                out.flush();
                            }
                            written.addAndGet(chunk.length);
                        }
                    } catch (Exception ended) {
                        // the session went away
                    }
                }
            }, "writer-" + i);
            writer.setDaemon(true);
            threads.add(writer);
        }
    }

    StuckWriters start() {
        for (Thread t : threads) {
            t.start();
        }
        return this;
    }

    long writtenMb() {
        return written.get() >> 20;
    }

    /**
     * Until the writers wrote something and then nothing for a second (at most 200 s): a writer that was not yet
     * scheduled on a busy machine is not a stalled one.
     */
    StuckWriters awaitStall() throws InterruptedException {
        for (int i = 0; i < 600 && written.get() == 0; i++) {
            Thread.sleep(100);
        }
        long last = -1;
        for (int i = 0; i < 200 && written.get() != last; i++) {
            last = written.get();
            Thread.sleep(1000);
        }
        return this;
    }

    /**
     * Writers blocked in the socket write itself (the kernel's send buffer full), as opposed to waiting for SSH window
     * space. Only the former hold a library's transport write lock (JSch, sshj, the Ganymed family), which is what
     * makes their disconnect hang; waits up to 5 s for one.
     */
    int inSocketWrite() throws InterruptedException {
        for (int i = 0; i < 20 && inSocketWrite(threads) == 0; i++) {
            Thread.sleep(250);
        }
        return inSocketWrite(threads);
    }

    static int inSocketWrite(List<Thread> writers) {
        int n = 0;
        for (Thread w : writers) {
            for (StackTraceElement f : w.getStackTrace()) {
                String c = f.getClassName();
                if (c.endsWith("SocketDispatcher") || c.endsWith("SocketOutputStream") || c.endsWith("NioSocketImpl")) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }
}
