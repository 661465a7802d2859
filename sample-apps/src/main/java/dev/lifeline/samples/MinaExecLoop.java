package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** {@link JschExecLoop} for MINA: {@code COUNT COMMAND}, sequential or {@code -Dsample.parallel=true}. */
public final class MinaExecLoop {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "COUNT COMMAND");
        final int count = Integer.parseInt(t.rest[0]);
        final String command = t.rest[1];
        Result result = new Result("MinaExecLoop");
        try {
            SshClient client = MinaClients.start(t);
            result.phase("connect");
            final ClientSession session = MinaClients.session(client, t);
            result.phase("loop");
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
            session.close(false).await();
            client.stop();
            AgentProbe.report(result, "after");
            result.with("ok", ok.get()).with("failed", failed.get()).with("slowest_ms", slowest[0]).finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }

    private static void tally(ClientSession session, String command, AtomicInteger ok, AtomicInteger failed, long[] slowest) {
        long t0 = System.nanoTime();
        Integer exit;
        try {
            exit = runOnce(session, command);
        } catch (Exception e) {
            exit = null;
        }
        long ms = (System.nanoTime() - t0) / 1_000_000L;
        synchronized (slowest) {
            slowest[0] = Math.max(slowest[0], ms);
        }
        (exit != null && exit == 0 ? ok : failed).incrementAndGet();
    }

    static Integer runOnce(ClientSession session, String command) throws Exception {
        try (ChannelExec channel = session.createExecChannel(command)) {
            channel.setOut(new ByteArrayOutputStream());
            channel.setErr(new ByteArrayOutputStream());
            channel.open().verify();
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), 0L);
            return channel.getExitStatus();
        }
    }
}
