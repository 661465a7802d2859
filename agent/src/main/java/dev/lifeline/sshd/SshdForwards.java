package dev.lifeline.sshd;

import dev.lifeline.enforce.ForwardIdle;
import dev.lifeline.instrument.PerLoader;
import dev.lifeline.instrument.Reflection;
import dev.lifeline.sessions.Forwards;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

import static dev.lifeline.sshd.SshdModule.*;

/**
 * MINA's local port forwards ({@code startLocalPortForwarding}). The listener goes to {@link Forwards} for the view
 * (MINA unbinds it itself when the session closes; {@code stopLocalPortForwarding} if it were still bound); each forwarded connection, a
 * {@code TcpipClientChannel} over a local I/O session, goes under {@code forward.idleTimeout}, its I/O session as the
 * alias its outgoing data is seen on. Closing one is {@code close(true)} of the channel and of the I/O session.
 */
final class SshdForwards {
    private static final PerLoader<Api> APIS = new PerLoader<Api>() {
        @Override
        protected Api create(ClassLoader loader) throws Exception {
            return new Api(loader);
        }
    };

    /** The members only forwards use, resolved from {@link SshdModule}'s declarations. */
    static final class Api {
        final Class<?> tcpipClientChannel;
        final Field remote;
        final Method getAttribute;
        final Method hostName;
        final Method port;
        final Method forwardStarted;
        final Method stopForward;

        Api(ClassLoader loader) throws Exception {
            tcpipClientChannel = TCPIP_CLIENT_CHANNEL.ownerIn(loader);
            remote = TCPIP_REMOTE.field(loader);
            getAttribute = IO_GET_ATTRIBUTE.method(loader);
            hostName = ADDRESS_HOST.method(loader);
            port = ADDRESS_PORT.method(loader);
            forwardStarted = LOCAL_FORWARD_STARTED.method(loader);
            stopForward = STOP_LOCAL_FORWARD.method(loader);
        }

        String host(Object address) throws Exception {
            return (String) Reflection.call(hostName, address);
        }

        int port(Object address) throws Exception {
            return (Integer) Reflection.call(port, address);
        }
    }

    private SshdForwards() {
    }

    /** {@code startLocalPortForwarding(local, remote)} returned {@code bound}. */
    static void listening(final Object session, final Object bound, Object remote) throws Exception {
        if (bound == null || remote == null) {
            return;
        }
        final Api api = APIS.of(session);
        final int localPort = api.port(bound);
        Forwards.listening(session, "sshd", localPort, api.host(remote), api.port(remote), new Forwards.Listener() {
            /**
             * MINA unbinds a session's forwards when the session closes (its forwarder is one of the session's
             * closeables), but still lists them: a closing session's are taken as closed by MINA.
             */
            @Override
            public boolean isOpen() throws Exception {
                return !SshdApi.of(session).isClosing(session)
                        && Boolean.TRUE.equals(Reflection.call(api.forwardStarted, session, localPort));
            }

            @Override
            public void close() throws Exception {
                Reflection.call(api.stopForward, session, bound);
            }
        });
    }

    /** {@code StaticIoHandler.sessionCreated(ioSession)} returned: the forwarded connection's channel is opening. */
    static void connected(final Object ioSession) throws Exception {
        Api api = APIS.of(ioSession);
        final Object channel = Reflection.call(api.getAttribute, ioSession, api.tcpipClientChannel);
        if (channel == null) {
            return;
        }
        Object remote = api.remote.get(channel);
        final SshdApi sshd = SshdApi.of(channel);
        Object session = sshd.sessionOf(channel);
        Forwards.connectionOpened(session, channel, "sshd", remote == null ? "?" : api.host(remote),
                remote == null ? 0 : api.port(remote), new ForwardIdle.Closer() {
                    @Override
                    public void close() throws Exception {
                        try {
                            sshd.closeImmediately(ioSession); // the local client sees the socket closed now
                        } finally {
                            sshd.closeImmediately(channel);
                        }
                    }

                    @Override
                    public boolean isClosed() {
                        try {
                            return sshd.isClosing(channel);
                        } catch (Throwable t) {
                            return false;
                        }
                    }
                }, ioSession);
    }
}
