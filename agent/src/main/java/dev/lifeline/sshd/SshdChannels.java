package dev.lifeline.sshd;

import dev.lifeline.config.Policy;
import dev.lifeline.enforce.ChannelControl;
import dev.lifeline.enforce.CloseDeadline;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.enforce.ExecDeadline;
import dev.lifeline.enforce.ForwardIdle;
import dev.lifeline.policy.Policies;
import dev.lifeline.report.Faults;
import dev.lifeline.instrument.Reflection;
import dev.lifeline.report.Log;
import dev.lifeline.sessions.ChannelHooks;
import dev.lifeline.sessions.SshSessions;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.net.SocketAddress;

/**
 * MINA channels and sessions: exec deadlines and close deadlines; MINA reached by reflection (it may live in a loader
 * the agent cannot see). The end of a channel or session is learned from MINA itself: a close-future listener, made
 * as a {@code Proxy} of MINA's {@code SshFutureListener} in MINA's own class loader.
 */
final class SshdChannels {
    /** What {@link ChannelHooks#execStarted} runs for MINA. */
    static final ChannelHooks.ExecStart EXEC = new ChannelHooks.ExecStart() {
        @Override
        public void execStarted(Object channel, Object command) throws Exception {
            SshdChannels.execStarted(channel);
        }
    };

    static final String LISTENER = "org.apache.sshd.common.future.SshFutureListener";
    /** RFC 4254 {@code SSH_MSG_CHANNEL_REQUEST}. */
    static final byte SSH_MSG_CHANNEL_REQUEST = 98;

    private SshdChannels() {
    }

    /** {@code ChannelExec.doOpen()} returned: the exec request is on its way. */
    static void execStarted(final Object channel) throws Exception {
        Faults.inject("SshdChannels.execStarted");
        SshSessions.channelOpened(channel);
        SshdApi api = SshdApi.of(channel);
        Object session = api.sessionOf(channel);
        Policy p = Policies.forAddress(api.remoteAddress(session));
        if (p == null || (p.execTimeoutMillis() <= 0 && p.execIdleTimeoutMillis() <= 0)) {
            return;
        }
        ExecDeadline.started(channel, new Control(channel, session), p, "sshd", api.command(channel));
        if (!whenClosed(channel, new Runnable() {
            @Override
            public void run() {
                ExecDeadline.ended(channel);
            }
        })) {
            ExecDeadline.ended(channel);
        }
    }

    /**
     * {@code AbstractCloseable.close(false)} entered on any MINA object: only a client session or channel (the class
     * tests run on a type sshd-common does not know only for sshd-core client classes) not yet closing is bounded.
     */
    static void closing(Object closeable) throws Exception {
        ForwardIdle.ended(closeable); // a forwarded connection's channel or local I/O session (not client. classes)
        if (!closeable.getClass().getName().startsWith("org.apache.sshd.client.")) {
            return;
        }
        SshSessions.channelClosed(closeable); // a session or channel: the map holds channels only
        SshdApi api = SshdApi.of(closeable);
        if (api.isClosing(closeable)) {
            return;
        }
        if (api.clientSession != null && api.clientSession.isInstance(closeable)) {
            closingGracefully(closeable, closeable, api.remoteAddress(closeable));
        } else if (api.abstractClientChannel != null && api.abstractClientChannel.isInstance(closeable)) {
            Object session = api.sessionOf(closeable);
            closingGracefully(closeable, session, api.remoteAddress(session));
        }
    }

    /**
     * {@code AbstractCloseable.close(false)} entered on a client session or channel that is not yet closing: a graceful
     * close that waits for the peer. Past {@code close.timeout} it becomes {@code close(true)}, which completes the
     * close future every waiter is blocked on.
     */
    static void closingGracefully(final Object closeable, Object session, SocketAddress remote) {
        Faults.inject("SshdChannels.closingGracefully");
        final DeadlineScheduler.Deadline d = closeDeadline(closeable == session ? "session.close" : "channel.close",
                closeable, remote);
        if (d != null && !whenClosed(closeable, new Runnable() {
            @Override
            public void run() {
                d.cancel();
            }
        })) {
            d.cancel();
        }
    }

    /** {@code close.timeout} over a graceful close: past it the close becomes {@code close(true)}. */
    private static DeadlineScheduler.Deadline closeDeadline(String what, final Object closeable, SocketAddress remote) {
        return CloseDeadline.arm(what, Policies.forAddress(remote), "sshd", new Runnable() {
            @Override
            public void run() {
                closeImmediately(closeable);
            }
        });
    }

    static void closeImmediately(Object closeable) {
        try {
            SshdApi.of(closeable).closeImmediately(closeable);
        } catch (Throwable t) {
            Log.warn("close.force-failed", "lib", "sshd", "error", t);
        }
    }

    /** The constructor of a close-listener proxy in each MINA class's loader: every graceful close passes here. */
    private static final ClassValue<Constructor<?>> CLOSE_LISTENER = new ClassValue<Constructor<?>>() {
        @Override
        protected Constructor<?> computeValue(Class<?> type) {
            return Reflection.proxyConstructor(type.getClassLoader(), SshdApi.ofType(type).listener);
        }
    };

    /** Runs {@code action} when MINA completes the closeable's close future. False if it could not be registered. */
    static boolean whenClosed(Object closeable, Runnable action) {
        return closeListener(closeable, action) != null;
    }

    /**
     * {@link #whenClosed}, returning the listener registered (for {@link #stopListening}), or null if it could not be
     * registered.
     */
    static Object closeListener(Object closeable, final Runnable action) {
        try {
            Object listener = CLOSE_LISTENER.get(closeable.getClass()).newInstance(new InvocationHandler() {
                @Override
                public Object invoke(Object proxy, Method method, Object[] args) {
                    String name = method.getName();
                    if (name.equals("operationComplete")) {
                        action.run();
                        return null;
                    }
                    if (name.equals("hashCode")) {
                        return System.identityHashCode(proxy);
                    }
                    if (name.equals("equals")) {
                        return proxy == args[0];
                    }
                    return "lifeline-close-listener";
                }
            });
            Reflection.call(SshdApi.of(closeable).addCloseFutureListener, closeable, listener);
            return listener;
        } catch (Throwable t) {
            Log.warnOnce("sshd-close-listener", "instrumentation.degraded", "lib", "sshd",
                    "reason", "cannot listen for channel close", "error", t);
            return null;
        }
    }

    /**
     * Takes a listener of {@link #closeListener} off the closeable's close future, where the line can
     * ({@code removeCloseFutureListener}); else it stays, and runs at the close.
     */
    static void stopListening(Object closeable, Object listener) {
        try {
            Method remove = SshdApi.of(closeable).removeCloseFutureListener;
            if (remove != null && listener != null) {
                Reflection.call(remove, closeable, listener);
            }
        } catch (Throwable t) {
            Faults.suppressed(t); // the listener stays and runs at the close, as it would have without this
        }
    }

    /** MINA's public channel API by reflection. */
    static final class Control implements ChannelControl {
        private final Object channel;
        private final Object session;

        Control(Object channel, Object session) {
            this.channel = channel;
            this.session = session;
        }

        /** MINA's client has no signal API: the request is built as ChannelExec builds its exec request. */
        @Override
        public void signal(String name) throws Exception {
            SshdApi.of(channel).signal(channel, session, SSH_MSG_CHANNEL_REQUEST, name);
        }

        @Override
        public void close() throws Exception {
            SshdApi.of(channel).closeImmediately(channel);
        }

        @Override
        public boolean isClosed() {
            try {
                return SshdApi.of(channel).isClosed(channel);
            } catch (Throwable t) {
                return false;
            }
        }

        /** MINA moves its state off "Opened" before it writes CHANNEL_CLOSE, for a local or a remote close alike. */
        @Override
        public boolean isClosing() {
            try {
                return SshdApi.of(channel).isClosing(channel);
            } catch (Throwable t) {
                return isClosed();
            }
        }

        @Override
        public void forceCloseSession() {
            closeImmediately(session);
        }
    }
}
