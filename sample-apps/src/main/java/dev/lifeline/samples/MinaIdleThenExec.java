package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** {@link JschIdleThenExec} for MINA: {@code N IDLE_SECONDS}; RESULT {@code survived=... dead=...}. */
public final class MinaIdleThenExec {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "N IDLE_SECONDS");
        int n = Integer.parseInt(t.rest[0]);
        int idle = Integer.parseInt(t.rest[1]);
        Result result = new Result("MinaIdleThenExec");
        try {
            SshClient client = MinaClients.start(t);
            List<ClientSession> sessions = new ArrayList<ClientSession>();
            for (int i = 0; i < n; i++) {
                sessions.add(MinaClients.session(client, t));
            }
            Result.ready("idle");
            Thread.sleep(idle * 1000L);
            final AtomicInteger survived = new AtomicInteger();
            for (final ClientSession s : sessions) {
                Thread th = new Thread(new Runnable() {
                    @Override
                    public void run() {
                        try {
                            Integer exit = MinaExecLoop.runOnce(s, "echo ok");
                            if (exit != null && exit == 0) {
                                survived.incrementAndGet();
                            }
                        } catch (Exception dead) {
                            // counted as dead
                        }
                    }
                });
                th.setDaemon(true);
                th.start();
            }
            long until = System.nanoTime() + Integer.getInteger("sample.reportAfterSeconds", 20) * 1_000_000_000L;
            while (survived.get() < n && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            result.with("survived", survived.get()).with("dead", n - survived.get()).finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
