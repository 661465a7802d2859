package dev.lifeline.sshd;

import dev.lifeline.Lifeline;
import dev.lifeline.config.Durations;
import dev.lifeline.config.Mode;
import dev.lifeline.config.Policy;
import dev.lifeline.enforce.BlockedThreads;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.report.Counters;
import dev.lifeline.report.Faults;
import dev.lifeline.report.Log;

import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;

/**
 * One deadline from {@code connect()} to the end of authentication. MINA has three separate knobs (io-connect-timeout,
 * 1 min; auth-timeout, 2 min; none for the banner), and an app that calls {@code verify()} without a timeout waits for
 * all of them. When the deadline passes, a connect still under way fails with a timeout, and a session that is
 * connected but not yet authenticated is closed, which fails the app's pending {@code auth().verify()}.
 * MINA's own knobs stay in force where shorter. Reflection only: MINA's types are not visible from here.
 */
public final class SshdConnectDeadline {
    private SshdConnectDeadline() {
    }

    public static void start(SocketAddress target, final Object connectFuture) {
        Faults.inject("SshdConnectDeadline.start");
        if (!Lifeline.active() || !(target instanceof InetSocketAddress) || connectFuture == null) {
            return;
        }
        InetSocketAddress t = (InetSocketAddress) target;
        final Policy policy = Lifeline.config().policyFor(t.getHostString(), t.isUnresolved() ? null : t.getAddress(), t.getPort());
        final long deadline = policy.connectTimeoutMillis();
        if (deadline <= 0 || policy.mode() == Mode.OFF) {
            return;
        }
        final long start = System.nanoTime();
        DeadlineScheduler.schedule("sshd.connect", deadline, new Runnable() {
            @Override
            public void run() {
                fire(policy, connectFuture, deadline, (System.nanoTime() - start) / 1000000L);
            }
        });
    }

    static void fire(Policy policy, Object connectFuture, long deadline, long elapsedMillis) {
        try {
            boolean done = (Boolean) call(connectFuture, "isDone");
            Object session = done ? call(connectFuture, "getSession") : null;
            if (done && (session == null || Boolean.TRUE.equals(call(session, "isAuthenticated")))) {
                return; // connected and authenticated in time, or already failed on its own
            }
            String stage = done ? "key exchange or authentication" : "TCP connect";
            if (policy.mode() == Mode.AUDIT) {
                Log.info("connect.deadline-would-fire", "lib", "sshd", "host", policy.host(), "port", policy.port(),
                        "elapsed_ms", elapsedMillis, "stage", stage, "rule", policy.source("connect.timeout"));
                return;
            }
            Counters.increment(Counters.Counter.CONNECT_DEADLINES_FIRED);
            Log.warn("connect.deadline-fired", "lib", "sshd", "host", policy.host(), "port", policy.port(),
                    "elapsed_ms", elapsedMillis, "stage", stage, "rule", policy.source("connect.timeout"),
                    "action", done ? "session closed" : "connect failed");
            BlockedThreads.sessionEnding();
            if (!done) {
                SocketTimeoutException timeout = new SocketTimeoutException("connect to " + policy.host() + ":" + policy.port()
                        + " did not complete within connect.timeout=" + Durations.format(deadline) + " (Lifeline)");
                Method setException = connectFuture.getClass().getMethod("setException", Throwable.class);
                setException.invoke(connectFuture, timeout);
                call(connectFuture, "cancel"); // stops the TCP connect still under way
            } else {
                session.getClass().getMethod("close", boolean.class).invoke(session, true);
            }
        } catch (Throwable t) {
            Log.warnOnce("sshd-connect-deadline", "connect.deadline-failed", "lib", "sshd", "error", t);
        }
    }

    private static Object call(Object target, String method) throws Exception {
        return target.getClass().getMethod(method).invoke(target);
    }
}
