package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * Benchmark: {@code N} idle authenticated sessions at once from one client. After one warm-up session and, with the
 * agent, the end of its deferred start ({@link Footprint#base}), it measures threads and heap after GC ({@code _base}),
 * opens N more on {@code -Dsample.openers=4} threads, and measures again ({@code _after}); then exits. The per-session
 * cost is {@code (after - base) / N}.
 */
public final class MinaManySessions {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "N");
        final int n = Integer.parseInt(t.rest[0]);
        Result result = new Result("MinaManySessions");
        try {
            final SshClient client = MinaClients.start(t);
            final Target target = t;
            ClientSession first = MinaClients.session(client, t);
            Footprint base = Footprint.base();
            Footprint.histogram("base");
            long t0 = System.nanoTime();
            List<ClientSession> sessions = Footprint.openAll(n, Integer.getInteger("sample.openers", 4), new Callable<ClientSession>() {
                @Override
                public ClientSession call() throws Exception {
                    return MinaClients.session(client, target);
                }
            });
            long openMs = (System.nanoTime() - t0) / 1_000_000L;
            Footprint after = Footprint.measure();
            Footprint.histogram("after");
            int open = 0;
            for (ClientSession s : sessions) {
                open += s.isOpen() && s.isAuthenticated() ? 1 : 0;
            }
            base.report(result, "base");
            after.report(result, "after");
            result.with("sessions", n).with("open", open).with("open_ms", openMs).with("first_open", first.isOpen())
                    .finish(open == n ? "ok" : "failed");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
