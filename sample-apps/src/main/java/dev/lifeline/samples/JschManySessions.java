package dev.lifeline.samples;

import com.jcraft.jsch.Session;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@link MinaManySessions} for JSch: {@code N} idle connected sessions, threads and heap after GC before and after.
 * JSch runs one reader thread per session by design ("Connect thread ..."), so threads grow by one per session with
 * or without an agent.
 */
public final class JschManySessions {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "N");
        final int n = Integer.parseInt(t.rest[0]);
        Result result = new Result("JschManySessions");
        try {
            final Target target = t;
            Session first = JschClients.newSession(t);
            first.connect();
            Footprint base = Footprint.base();
            Footprint.histogram("base");
            long t0 = System.nanoTime();
            List<Session> sessions = Footprint.openAll(n, Integer.getInteger("sample.openers", 4), new Callable<Session>() {
                @Override
                public Session call() throws Exception {
                    Session s = JschClients.newSession(target);
                    s.connect();
                    return s;
                }
            });
            long openMs = (System.nanoTime() - t0) / 1_000_000L;
            Footprint after = Footprint.measure();
            Footprint.histogram("after");
            int open = 0;
            for (Session s : sessions) {
                open += s.isConnected() ? 1 : 0;
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
