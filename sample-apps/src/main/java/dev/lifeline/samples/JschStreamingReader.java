package dev.lifeline.samples;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.Session;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 22 items 4 and 6: a healthy reader and a stuck one. Session 1 runs a command that prints a line every 200 ms,
 * read by {@code app-streaming-reader}; session 2 runs {@code sleep 600}, read by {@code app-silent-reader} (waits
 * for good). Prints {@code READY streamed N} once the streaming reader has read for 6 s; on {@code close} on stdin
 * both sessions are disconnected ({@code READY closed}), then {@code exit} ends it.
 */
public final class JschStreamingReader {
    static final String STREAM = "while :; do echo line; sleep 0.2; done";
    static final long STREAM_MILLIS = 6000;

    public static void main(String[] args) {
        Target t = Target.parse(args, 0, "");
        Result result = new Result("JschStreamingReader");
        try {
            Session busy = JschClients.connect(t, result);
            Session silent = JschClients.connect(t, result);
            AtomicInteger lines = new AtomicInteger();
            reader("app-streaming-reader", exec(busy, STREAM), lines);
            reader("app-silent-reader", exec(silent, "sleep 600"), new AtomicInteger());
            await(lines);
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (!"close".equals(stdin.readLine())) {
                // the test looks meanwhile
            }
            busy.disconnect();
            silent.disconnect();
            Result.ready("closed");
            while (!"exit".equals(stdin.readLine())) {
                // wait
            }
            result.finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }

    private static InputStream exec(Session s, String command) throws Exception {
        ChannelExec exec = (ChannelExec) s.openChannel("exec");
        exec.setCommand(command);
        InputStream in = exec.getInputStream();
        exec.connect();
        return in;
    }

    /** A thread reading lines until the stream ends, counting them. */
    static void reader(String name, final InputStream in, final AtomicInteger lines) {
        Thread reader = new Thread(() -> {
            try {
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                while (r.readLine() != null) {
                    lines.incrementAndGet();
                }
            } catch (Exception ended) {
                // the channel closed
            }
        }, name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Once lines flow, reads for STREAM_MILLIS more, then says how many. */
    static void await(AtomicInteger lines) throws InterruptedException {
        while (lines.get() == 0) {
            Thread.sleep(50);
        }
        long start = System.nanoTime();
        while (System.nanoTime() - start < STREAM_MILLIS * 1000000L) {
            Thread.sleep(100);
        }
        Result.ready("streamed " + lines.get());
    }
}
