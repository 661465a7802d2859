package dev.lifeline.sshd;

import dev.lifeline.enforce.SessionEvents;
import dev.lifeline.config.Durations;
import dev.lifeline.config.Policy;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.policy.Policies;
import dev.lifeline.report.Faults;
import dev.lifeline.report.Log;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.SocketTimeoutException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One deadline from {@code connect()} to the end of authentication. MINA has three separate knobs (io-connect-timeout,
 * 1 min; auth-timeout, 2 min; none for the banner), and an app that calls {@code verify()} without a timeout waits for
 * all of them. When the deadline passes, a connect still under way fails with a timeout, and a session that is
 * connected but not yet authenticated is closed, which fails the app's pending {@code auth().verify()}.
 * MINA's own knobs stay in force where shorter. Reflection only: MINA's types are not visible from here.
 */
final class SshdConnectDeadline {
    /** Sessions connected, not yet authenticated, and their deadline. Identity keys: MINA sessions keep Object's equals. */
    private static final ConcurrentHashMap<Object, Awaiting> AWAITING_AUTH = new ConcurrentHashMap<Object, Awaiting>();
    /**
     * The deadline the I/O connector hook armed last on this thread: {@code SshClient.doConnect} calls the connector
     * and then arms its own deadline on the app's future, which replaces this one ({@link #start}).
     */
    private static final ThreadLocal<java.lang.ref.WeakReference<IoDeadline>> LAST_IO = new ThreadLocal<java.lang.ref.WeakReference<IoDeadline>>();

    private SshdConnectDeadline() {
    }

    /** A deadline armed on an I/O connect future; handed over when {@code doConnect} arms its own. */
    static final class IoDeadline {
        final Object target;
        volatile DeadlineScheduler.Deadline deadline;
        volatile boolean handedOver;

        IoDeadline(Object target) {
            this.target = target;
        }
    }

    /** @param target the {@code SocketAddress} the app connects to */
    static void start(Object target, final Object connectFuture) {
        Faults.inject("SshdConnectDeadline.start");
        java.lang.ref.WeakReference<IoDeadline> last = LAST_IO.get();
        IoDeadline io = last == null ? null : last.get();
        // the connect doConnect just made to this target, not an older one of this thread (JGit's), left in place
        if (io != null && (io.target.equals(target) || !(target instanceof java.net.InetSocketAddress))) {
            LAST_IO.remove();
            io.handedOver = true;
            DeadlineScheduler.Deadline d = io.deadline;
            if (d != null) {
                d.cancel();
            }
        }
        final Policy policy = target instanceof java.net.SocketAddress ? Policies.forAddress((java.net.SocketAddress) target) : null;
        if (policy == null || connectFuture == null) {
            return;
        }
        final long deadline = policy.connectTimeoutMillis();
        if (deadline <= 0) {
            return;
        }
        final long start = System.nanoTime();
        DeadlineScheduler.Deadline d = DeadlineScheduler.schedule("sshd.connect", deadline, new Runnable() {
            @Override
            public void run() {
                fire(policy, connectFuture, deadline, (System.nanoTime() - start) / 1000000L);
            }
        });
        cancelWhenAuthenticated(connectFuture, d);
    }

    /**
     * The queued deadline holds the connect future, and through it the session: cancelled once the session is
     * authenticated ({@link #authenticated}) or closed, or when the connect fails, so a thousand sessions do not sit
     * in the queue for {@code connect.timeout}. MINA's future listener is met with a {@link Proxy} in MINA's loader.
     */
    static void cancelWhenAuthenticated(final Object connectFuture, final DeadlineScheduler.Deadline d) {
        try {
            final ClassLoader loader = connectFuture.getClass().getClassLoader();
            final SshdApi api = SshdApi.of(connectFuture);
            Object onConnect = proxy(loader, api.listener, new InvocationHandler() {
                @Override
                public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
                    if (!method.getName().equals("operationComplete")) {
                        return identity(proxy, method, args);
                    }
                    try {
                        // a failed or cancelled connect: no session (getSession() would rethrow its failure)
                        final Object session = api.sessionOfFuture(connectFuture);
                        if (session == null || api.isAuthenticated(session)) {
                            d.cancel();
                            return null;
                        }
                        awaitAuthentication(api, session, d);
                    } catch (Throwable t) {
                        // MINA would log what a listener throws into the app's log as a WARN: counted as ours instead
                        d.cancel();
                        Faults.suppressed(t);
                    }
                    return null;
                }
            });
            api.addListener(connectFuture, onConnect);
        } catch (Throwable t) {
            Log.warnOnce("sshd-connect-listener", "instrumentation.degraded", "lib", "sshd",
                    "reason", "cannot listen for the connect; connect deadlines stay queued until they expire", "error", t);
        }
    }

    /** A session's connect deadline, and the close listener that forgets it if the session closes first. */
    private static final class Awaiting {
        final DeadlineScheduler.Deadline deadline;
        /** Set once registered; null until then or if it could not be. */
        volatile Object closeListener;

        Awaiting(DeadlineScheduler.Deadline deadline) {
            this.deadline = deadline;
        }
    }

    /**
     * The session is connected and not yet authenticated (as far as the caller saw): it waits for authentication under
     * {@code d}, which a close before that cancels too.
     */
    static void awaitAuthentication(SshdApi api, Object session, DeadlineScheduler.Deadline d) throws Exception {
        Awaiting a = new Awaiting(d);
        AWAITING_AUTH.put(session, a);
        Object listener = SshdChannels.closeListener(session, new ForgetOnClose(session));
        a.closeListener = listener;
        if (AWAITING_AUTH.get(session) != a) {
            // authenticated or closed while the listener was being added: authenticated() may not have seen it
            SshdChannels.stopListening(session, listener);
        } else if (api.isAuthenticated(session)) {
            authenticated(session); // authenticated before it was put
        }
    }

    /**
     * On the session's close future until authentication (then taken off: {@link #authenticated}), so it holds the
     * session and nothing else: an anonymous class here would hold the connect future, its host config and the
     * deadline (2 KB a session).
     */
    private static final class ForgetOnClose implements Runnable {
        private final Object session;

        ForgetOnClose(Object session) {
            this.session = session;
        }

        @Override
        public void run() {
            forget(session); // the close future is done: nothing to take off
        }
    }

    /**
     * The session authenticated: its connect deadline is over, and the close listener that would forget it is taken
     * off the session (where the line can), so an authenticated session carries none of the deadline's objects. Every
     * MINA session passes here once.
     */
    static void authenticated(Object session) {
        Awaiting a = forget(session);
        if (a != null) {
            SshdChannels.stopListening(session, a.closeListener);
        }
    }

    /** The session authenticated or closed: its deadline cancelled. @return what it waited under, or null */
    private static Awaiting forget(Object session) {
        if (AWAITING_AUTH.isEmpty()) {
            return null;
        }
        Awaiting a = AWAITING_AUTH.remove(session);
        if (a != null) {
            a.deadline.cancel();
        }
        return a;
    }

    private static Object proxy(ClassLoader loader, Class<?> type, InvocationHandler h) {
        return Proxy.newProxyInstance(loader, new Class<?>[]{type}, h);
    }

    /** Object's methods for a listener proxy; every other listener method (all void) does nothing. */
    private static Object identity(Object proxy, Method method, Object[] args) {
        String name = method.getName();
        if (name.equals("hashCode") && method.getParameterTypes().length == 0) {
            return System.identityHashCode(proxy);
        }
        if (name.equals("equals") && method.getParameterTypes().length == 1) {
            return proxy == args[0];
        }
        if (name.equals("toString") && method.getParameterTypes().length == 0) {
            return "lifeline-connect-listener";
        }
        return null;
    }

    static void fire(Policy policy, Object connectFuture, long deadline, long elapsedMillis) {
        try {
            SshdApi api = SshdApi.of(connectFuture);
            boolean done = api.isDone(connectFuture);
            Object session = done ? api.sessionOfFuture(connectFuture) : null;
            if (done && (session == null || api.isAuthenticated(session))) {
                return; // connected and authenticated in time, or already failed on its own
            }
            String stage = done ? "key exchange or authentication" : "TCP connect";
            if (!SessionEvents.connectDeadlinePassed(policy, "sshd", elapsedMillis, stage,
                    done ? "session closed" : "connect failed")) {
                return; // audit
            }
            if (!done) {
                SocketTimeoutException timeout = new SocketTimeoutException("connect to " + policy.host() + ":" + policy.port()
                        + " did not complete within connect.timeout=" + Durations.format(deadline) + " (Lifeline)");
                api.failConnect(connectFuture, timeout); // and cancels it: stops the TCP connect still under way
            } else {
                api.closeImmediately(session);
            }
        } catch (Throwable t) {
            Log.warnOnce("sshd-connect-deadline", "connect.deadline-failed", "lib", "sshd", "error", t);
        }
    }

    /**
     * MINA 2.7 and 2.8: a TCP connect that completes after its future was failed (a connect deadline that fired while
     * the connection was being made, or the app's cancel) still makes a session and hands it to that future, which
     * keeps its failure and drops the session. Nobody owns that session: it would run its key exchange and live until
     * MINA's auth timeout (2 minutes). It is closed here, as MINA 2.12+ does itself.
     */
    static void lateSession(Object ioFuture, Object ioSession) throws Exception {
        SshdApi api = SshdApi.of(ioFuture);
        if (ioSession == null || !api.isDone(ioFuture)) {
            return;
        }
        Log.info("connect.late-session-closed", "lib", "sshd", "remote", api.remoteAddressOfIo(ioSession),
                "reason", "its connect had already failed or been cancelled");
        api.closeImmediately(ioSession);
    }

    /**
     * A client's I/O connector opened a TCP connection ({@code connect} of {@code Nio2Connector}, {@code MinaConnector}
     * or {@code NettyIoConnector}): the one step every MINA client session goes through, whichever code made the
     * session and whichever transport it runs on. {@code SshClient.doConnect} hands this deadline over to its own
     * ({@link #start}); a client that creates its sessions itself (JGit's {@code JGitSshClient}, a subclass
     * overriding {@code connect}) keeps it: until the TCP connect completes, then until its session authenticates.
     */
    static void startIo(Object connector, Object target, final Object ioFuture) {
        Faults.inject("SshdConnectDeadline.startIo");
        if (ioFuture == null || !(target instanceof java.net.SocketAddress) || !clientConnector(connector)) {
            return; // a forwarded connection (a server's or a port forward's connector): no SSH session to bound
        }
        final Policy policy = Policies.forAddress((java.net.SocketAddress) target);
        if (policy == null || policy.connectTimeoutMillis() <= 0) {
            return;
        }
        final long deadline = policy.connectTimeoutMillis();
        final long start = System.nanoTime();
        final IoDeadline io = new IoDeadline(target);
        io.deadline = DeadlineScheduler.schedule("sshd.io-connect", deadline, new Runnable() {
            @Override
            public void run() {
                if (!io.handedOver) {
                    fireIo(policy, ioFuture, deadline, (System.nanoTime() - start) / 1000000L);
                }
            }
        });
        LAST_IO.set(new java.lang.ref.WeakReference<IoDeadline>(io));
        try {
            final ClassLoader loader = ioFuture.getClass().getClassLoader();
            final SshdApi api = SshdApi.of(ioFuture);
            Object onConnect = proxy(loader, api.listener, new InvocationHandler() {
                @Override
                public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
                    if (!method.getName().equals("operationComplete")) {
                        return identity(proxy, method, args);
                    }
                    DeadlineScheduler.Deadline d = io.deadline;
                    Object session = io.handedOver ? null : api.sshSession(api.ioSessionOfFuture(ioFuture));
                    if (session == null || api.isAuthenticated(session)) {
                        if (!io.handedOver && api.ioSessionOfFuture(ioFuture) == null) {
                            d.cancel(); // the connect failed on its own
                        }
                        return null;
                    }
                    awaitAuthentication(api, session, d);
                    return null;
                }
            });
            api.addListener(ioFuture, onConnect);
        } catch (Throwable t) {
            Log.warnOnce("sshd-io-connect-listener", "instrumentation.degraded", "lib", "sshd",
                    "reason", "cannot listen for the I/O connect; connect deadlines stay queued until they expire", "error", t);
        }
    }

    /** Whether the connector's handler makes client sessions ({@code org.apache.sshd.client.session.SessionFactory}). */
    private static boolean clientConnector(Object connector) {
        Object handler;
        try {
            handler = SshdApi.transportField(SshdModule.CONNECTOR_HANDLER, connector);
        } catch (Throwable t) {
            return false;
        }
        for (Class<?> c = handler == null ? null : handler.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals("org.apache.sshd.client.session.SessionFactory")) {
                return true;
            }
        }
        return false;
    }

    static void fireIo(Policy policy, Object ioFuture, long deadline, long elapsedMillis) {
        try {
            SshdApi api = SshdApi.of(ioFuture);
            boolean done = api.isDone(ioFuture);
            Object ioSession = done ? api.ioSessionOfFuture(ioFuture) : null;
            Object session = api.sshSession(ioSession);
            if (done && (ioSession == null || (session != null && api.isAuthenticated(session)))) {
                return; // connected and authenticated in time, or already failed on its own
            }
            String stage = done ? "key exchange or authentication" : "TCP connect";
            if (!SessionEvents.connectDeadlinePassed(policy, "sshd", elapsedMillis, stage,
                    done ? "session closed" : "connect failed")) {
                return; // audit
            }
            if (!done) {
                SocketTimeoutException timeout = new SocketTimeoutException("connect to " + policy.host() + ":" + policy.port()
                        + " did not complete within connect.timeout=" + Durations.format(deadline) + " (Lifeline)");
                api.failIoConnect(ioFuture, timeout);
            } else {
                api.closeImmediately(session != null ? session : ioSession);
            }
        } catch (Throwable t) {
            Log.warnOnce("sshd-io-connect-deadline", "connect.deadline-failed", "lib", "sshd", "error", t);
        }
    }
}
