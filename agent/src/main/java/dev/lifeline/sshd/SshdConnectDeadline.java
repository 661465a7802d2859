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
    private static final ConcurrentHashMap<Object, DeadlineScheduler.Deadline> AWAITING_AUTH =
            new ConcurrentHashMap<Object, DeadlineScheduler.Deadline>();
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
            final Class<?> futureListener = Class.forName(SshdChannels.LISTENER, false, loader);
            Object onConnect = proxy(loader, futureListener, new InvocationHandler() {
                @Override
                public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
                    if (!method.getName().equals("operationComplete")) {
                        return identity(proxy, method, args);
                    }
                    try {
                        // a failed or cancelled connect: getSession() would rethrow its failure (MINA 2.x)
                        final Object session = connected(connectFuture) ? call(connectFuture, "getSession") : null;
                        if (session == null || Boolean.TRUE.equals(call(session, "isAuthenticated"))) {
                            d.cancel();
                            return null;
                        }
                        AWAITING_AUTH.put(session, d);
                        SshdChannels.whenClosed(session, new ForgetOnClose(session));
                        if (Boolean.TRUE.equals(call(session, "isAuthenticated"))) {
                            authenticated(session); // authenticated before it was put
                        }
                    } catch (Throwable t) {
                        // MINA would log what a listener throws into the app's log as a WARN: counted as ours instead
                        d.cancel();
                        Faults.suppressed(t);
                    }
                    return null;
                }
            });
            connectFuture.getClass().getMethod("addListener", futureListener).invoke(connectFuture, onConnect);
        } catch (Throwable t) {
            Log.warnOnce("sshd-connect-listener", "instrumentation.degraded", "lib", "sshd",
                    "reason", "cannot listen for the connect; connect deadlines stay queued until they expire", "error", t);
        }
    }

    /**
     * Stays on the session's close future for the session's life, so it holds the session and nothing else: an
     * anonymous class here would hold the connect future, its host config and the deadline (2 KB a session).
     */
    private static final class ForgetOnClose implements Runnable {
        private final Object session;

        ForgetOnClose(Object session) {
            this.session = session;
        }

        @Override
        public void run() {
            authenticated(session);
        }
    }

    /** The session authenticated (or closed): its connect deadline is over. Every MINA session passes here once. */
    static void authenticated(Object session) {
        if (AWAITING_AUTH.isEmpty()) {
            return;
        }
        DeadlineScheduler.Deadline d = AWAITING_AUTH.remove(session);
        if (d != null) {
            d.cancel();
        }
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
            boolean done = (Boolean) call(connectFuture, "isDone");
            Object session = done && connected(connectFuture) ? call(connectFuture, "getSession") : null;
            if (done && (session == null || Boolean.TRUE.equals(call(session, "isAuthenticated")))) {
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

    /**
     * MINA 2.7 and 2.8: a TCP connect that completes after its future was failed (a connect deadline that fired while
     * the connection was being made, or the app's cancel) still makes a session and hands it to that future, which
     * keeps its failure and drops the session. Nobody owns that session: it would run its key exchange and live until
     * MINA's auth timeout (2 minutes). It is closed here, as MINA 2.12+ does itself.
     */
    static void lateSession(Object ioFuture, Object ioSession) throws Exception {
        if (ioSession == null || !Boolean.TRUE.equals(call(ioFuture, "isDone"))) {
            return;
        }
        Log.info("connect.late-session-closed", "lib", "sshd", "remote", call(ioSession, "getRemoteAddress"),
                "reason", "its connect had already failed or been cancelled");
        ioSession.getClass().getMethod("close", boolean.class).invoke(ioSession, true);
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
            final Class<?> futureListener = Class.forName(SshdChannels.LISTENER, false, loader);
            Object onConnect = proxy(loader, futureListener, new InvocationHandler() {
                @Override
                public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
                    if (!method.getName().equals("operationComplete")) {
                        return identity(proxy, method, args);
                    }
                    DeadlineScheduler.Deadline d = io.deadline;
                    Object session = io.handedOver ? null : sshSession(io(ioFuture, "getSession"));
                    if (session == null || Boolean.TRUE.equals(call(session, "isAuthenticated"))) {
                        if (!io.handedOver && io(ioFuture, "getSession") == null) {
                            d.cancel(); // the connect failed on its own
                        }
                        return null;
                    }
                    AWAITING_AUTH.put(session, d);
                    SshdChannels.whenClosed(session, new ForgetOnClose(session));
                    if (Boolean.TRUE.equals(call(session, "isAuthenticated"))) {
                        authenticated(session);
                    }
                    return null;
                }
            });
            ioType(ioFuture).getMethod("addListener", futureListener).invoke(ioFuture, onConnect);
        } catch (Throwable t) {
            Log.warnOnce("sshd-io-connect-listener", "instrumentation.degraded", "lib", "sshd",
                    "reason", "cannot listen for the I/O connect; connect deadlines stay queued until they expire", "error", t);
        }
    }

    /** Whether the connector's handler makes client sessions ({@code org.apache.sshd.client.session.SessionFactory}). */
    private static boolean clientConnector(Object connector) {
        Object handler = null;
        for (Class<?> c = connector.getClass(); c != null && handler == null; c = c.getSuperclass()) {
            try {
                java.lang.reflect.Field f = c.getDeclaredField("handler");
                f.setAccessible(true);
                handler = f.get(connector);
            } catch (NoSuchFieldException next) {
                // keep looking in the superclass
            } catch (Throwable t) {
                return false;
            }
        }
        for (Class<?> c = handler == null ? null : handler.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals("org.apache.sshd.client.session.SessionFactory")) {
                return true;
            }
        }
        return false;
    }

    /** The SSH session attached to an I/O session, or null. */
    static Object sshSession(Object ioSession) throws Exception {
        if (ioSession == null) {
            return null;
        }
        ClassLoader loader = ioSession.getClass().getClassLoader();
        Class<?> abstractSession = Class.forName("org.apache.sshd.common.session.helpers.AbstractSession", false, loader);
        Class<?> ioSessionType = Class.forName("org.apache.sshd.common.io.IoSession", false, loader);
        return abstractSession.getMethod("getSession", ioSessionType, boolean.class).invoke(null, ioSession, true);
    }

    static void fireIo(Policy policy, Object ioFuture, long deadline, long elapsedMillis) {
        try {
            boolean done = (Boolean) io(ioFuture, "isDone");
            Object ioSession = done ? io(ioFuture, "getSession") : null;
            Object session = sshSession(ioSession);
            if (done && (ioSession == null || (session != null && Boolean.TRUE.equals(call(session, "isAuthenticated"))))) {
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
                ioType(ioFuture).getMethod("setException", Throwable.class).invoke(ioFuture, timeout);
                io(ioFuture, "cancel");
            } else {
                Object closing = session != null ? session : ioSession;
                Class.forName("org.apache.sshd.common.Closeable", false, closing.getClass().getClassLoader())
                        .getMethod("close", boolean.class).invoke(closing, true);
            }
        } catch (Throwable t) {
            Log.warnOnce("sshd-io-connect-deadline", "connect.deadline-failed", "lib", "sshd", "error", t);
        }
    }

    /** Through MINA's public interface: the future's class may be a non-public nested one (MINA 2.7). */
    private static Class<?> ioType(Object ioFuture) throws ClassNotFoundException {
        return Class.forName("org.apache.sshd.common.io.IoConnectFuture", false, ioFuture.getClass().getClassLoader());
    }

    private static Object io(Object ioFuture, String method) throws Exception {
        return ioType(ioFuture).getMethod(method).invoke(ioFuture);
    }

    /** Whether the app's connect future holds a session, not a failure: its getSession() rethrows a failure. */
    private static boolean connected(Object connectFuture) throws Exception {
        return Boolean.TRUE.equals(call(connectFuture, "isConnected"));
    }

    private static Object call(Object target, String method) throws Exception {
        return target.getClass().getMethod(method).invoke(target);
    }
}
