package dev.lifeline.samples;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@link MinaManySessions} for the Ganymed family (Trilead SSH-2, Jenkins' fork, Ganymed SSH-2): {@code N} idle
 * connected, authenticated connections ({@code new Connection(host, port)} each, as Jenkins' launcher makes one per
 * agent; no keepalive set), threads and heap after GC before and after. The family runs one receive thread per
 * connection by design ({@code TransportManager}'s), so threads grow by one per session with or without an agent.
 */
public final class Ssh2ManySessions {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "N");
        final int n = Integer.parseInt(t.rest[0]);
        Result result = new Result("Ssh2ManySessions");
        try {
            final Target target = t;
            Object first = Ssh2Clients.connect(t, result);
            result.endPhase();
            Footprint base = Footprint.base();
            Footprint.histogram("base");
            long t0 = System.nanoTime();
            List<Object> sessions = Footprint.openAll(n, Integer.getInteger("sample.openers", 4), new Callable<Object>() {
                @Override
                public Object call() throws Exception {
                    return Ssh2Clients.connect(target, new Result("Ssh2ManySessions.open"));
                }
            });
            long openMs = (System.nanoTime() - t0) / 1_000_000L;
            Footprint after = Footprint.measure();
            Footprint.histogram("after");
            int open = 0;
            for (Object c : sessions) {
                open += Boolean.TRUE.equals(Ssh2Clients.call(c, "isAuthenticationComplete")) ? 1 : 0;
            }
            base.report(result, "base");
            after.report(result, "after");
            result.with("lib", Ssh2Clients.pkg()).with("sessions", n).with("open", open).with("open_ms", openMs)
                    .with("first_open", Ssh2Clients.call(first, "isAuthenticationComplete")).finish(open == n ? "ok" : "failed");
        } catch (Throwable e) {
            result.fail(e instanceof java.lang.reflect.InvocationTargetException ? e.getCause() : e);
        }
    }
}
