package dev.lifeline.samples;

import net.schmizz.sshj.SSHClient;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@link MinaManySessions} for sshj: {@code N} idle connected, authenticated clients ({@code new SSHClient()} each, as
 * a legacy app makes one per connection; no keepalive set), threads and heap after GC before and after. sshj runs one
 * reader thread per connection by design ({@code sshj-Reader-...}), so threads grow by one per session with or without
 * an agent.
 */
public final class SshjManySessions {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "N");
        final int n = Integer.parseInt(t.rest[0]);
        Result result = new Result("SshjManySessions");
        try {
            final Target target = t;
            SSHClient first = SshjClients.connect(t);
            Footprint base = Footprint.base();
            Footprint.histogram("base");
            long t0 = System.nanoTime();
            List<SSHClient> sessions = Footprint.openAll(n, Integer.getInteger("sample.openers", 4), new Callable<SSHClient>() {
                @Override
                public SSHClient call() throws Exception {
                    return SshjClients.connect(target);
                }
            });
            long openMs = (System.nanoTime() - t0) / 1_000_000L;
            Footprint after = Footprint.measure();
            Footprint.histogram("after");
            int open = 0;
            for (SSHClient s : sessions) {
                open += s.isConnected() && s.isAuthenticated() ? 1 : 0;
            }
            base.report(result, "base");
            after.report(result, "after");
            result.with("sessions", n).with("open", open).with("open_ms", openMs).with("first_open", first.isConnected())
                    .finish(open == n ? "ok" : "failed");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
