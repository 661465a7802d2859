package dev.lifeline.samples;

import com.jcraft.jsch.Session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pool of idle sessions, as a legacy app keeps them: {@code N IDLE_SECONDS}: opens N sessions, sits idle, then runs
 * {@code echo ok} on each (no timeouts, JSch example style). Sessions whose exec has not come back
 * {@code -Dsample.reportAfterSeconds} (default 20) later are counted dead: RESULT {@code survived=... dead=...}.
 */
public final class JschIdleThenExec {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "N IDLE_SECONDS");
        int n = Integer.parseInt(t.rest[0]);
        int idle = Integer.parseInt(t.rest[1]);
        Result result = new Result("JschIdleThenExec");
        try {
            List<Session> sessions = new ArrayList<Session>();
            for (int i = 0; i < n; i++) {
                sessions.add(JschClients.connect(t, result));
            }
            Result.ready("idle");
            Thread.sleep(idle * 1000L);
            final AtomicInteger survived = new AtomicInteger();
            for (final Session s : sessions) {
                Thread th = new Thread(new Runnable() {
                    @Override
                    public void run() {
                        try {
                            if (JschExecLoop.runOnce(s, "echo ok") == 0) {
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
