package dev.lifeline.samples;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.Session;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many exec channels on one session: {@code COUNT COMMAND}, one after another, or all at once with
 * {@code -Dsample.parallel=true}. Reports how many ended ok/failed, the slowest, and the agent's gauges before and after
 * (threads, heap after GC, deadlines queued, channels watched): the leak and concurrency test for exec deadlines.
 */
public final class JschExecLoop {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "COUNT COMMAND");
        final int count = Integer.parseInt(t.rest[0]);
        final String command = t.rest[1];
        Result result = new Result("JschExecLoop");
        try {
            final Session session = JschClients.connect(t, result);
            runOnce(session, System.getProperty("sample.warmup", "true"));
            AgentProbe.report(result, "before");
            final AtomicInteger ok = new AtomicInteger();
            final AtomicInteger failed = new AtomicInteger();
            final long[] slowest = {0};
            // -Dsample.parallel=true: COUNT channels at once; -Dsample.threads=T: T workers share COUNT cycles
            final boolean parallel = Boolean.getBoolean("sample.parallel");
            int workers = parallel ? count : Math.max(1, Integer.getInteger("sample.threads", 1));
            final int perWorker = parallel ? 1 : count / workers;
            List<Thread> threads = new ArrayList<Thread>();
            for (int w = 0; w < workers; w++) {
                Thread th = new Thread(new Runnable() {
                    @Override
                    public void run() {
                        for (int i = 0; i < perWorker; i++) {
                            tally(session, command, ok, failed, slowest);
                        }
                    }
                });
                th.start();
                threads.add(th);
            }
            Result.ready("all-started");
            for (Thread th : threads) {
                th.join();
            }
            session.disconnect();
            AgentProbe.report(result, "after");
            result.with("ok", ok.get()).with("failed", failed.get()).with("slowest_ms", slowest[0])
                    .finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }

    private static void tally(Session session, String command, AtomicInteger ok, AtomicInteger failed, long[] slowest) {
        long t0 = System.nanoTime();
        int exit;
        try {
            exit = runOnce(session, command);
        } catch (Exception e) {
            exit = -2;
        }
        long ms = (System.nanoTime() - t0) / 1_000_000L;
        synchronized (slowest) {
            slowest[0] = Math.max(slowest[0], ms);
        }
        (exit == 0 ? ok : failed).incrementAndGet();
    }

    /** The JSch example's loop: drain stdout, poll isClosed(). */
    static int runOnce(Session session, String command) throws Exception {
        ChannelExec channel = (ChannelExec) session.openChannel("exec");
        channel.setCommand(command);
        InputStream in = channel.getInputStream();
        channel.connect();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1024];
        while (true) {
            while (in.available() > 0) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                out.write(buf, 0, n);
            }
            if (channel.isClosed()) {
                if (in.available() > 0) {
                    continue;
                }
                break;
            }
            Thread.sleep(5);
        }
        int exit = channel.getExitStatus();
        channel.disconnect();
        return exit;
    }
}
