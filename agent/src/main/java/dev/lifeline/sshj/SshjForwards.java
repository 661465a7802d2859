package dev.lifeline.sshj;

import dev.lifeline.enforce.ForwardIdle;
import dev.lifeline.instrument.PerLoader;
import dev.lifeline.instrument.Reflection;
import dev.lifeline.sessions.Forwards;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.net.Socket;

import static dev.lifeline.sshj.SshjModule.*;

/**
 * sshj's local port forwards ({@code LocalPortForwarder}). sshj closes a client's forwarders in {@code disconnect()}
 * only: a connection that dies otherwise (a dead peer, Lifeline's keepalive verdict) leaves {@code listen()} accepting
 * clients whose channel can never open. So the listener (the app's own {@code ServerSocket}) is handed to
 * {@link Forwards}, which closes it when the session ends; {@code listen()} then fails with a {@code SocketException}.
 * Each forwarded connection goes under {@code forward.idleTimeout}: its data out passes through its
 * {@code ChannelOutputStream} (an alias), data in through {@code receiveInto}; closing it closes the local socket,
 * after which sshj's own socket monitor closes the channel.
 */
final class SshjForwards {
    private static final PerLoader<Api> APIS = new PerLoader<Api>() {
        @Override
        protected Api create(ClassLoader loader) throws Exception {
            return new Api(loader);
        }
    };

    /** The members only forwards use; the parameter and channel classes moved in 0.28, so each has two. */
    static final class Api {
        final Method remoteHost;
        final Method remoteHostOld;
        final Method remotePort;
        final Method remotePortOld;
        final Method getOutputStream;

        Api(ClassLoader loader) throws Exception {
            remoteHost = FWD_REMOTE_HOST.methodOrNull(loader);
            remoteHostOld = FWD_REMOTE_HOST_0_27.methodOrNull(loader);
            remotePort = FWD_REMOTE_PORT.methodOrNull(loader);
            remotePortOld = FWD_REMOTE_PORT_0_27.methodOrNull(loader);
            getOutputStream = GET_OUTPUT_STREAM.method(loader);
        }

        String target(Object parameters) throws Exception {
            boolean now = remoteHost != null && remoteHost.getDeclaringClass().isInstance(parameters);
            Object host = Reflection.call(now ? remoteHost : remoteHostOld, parameters);
            Object port = Reflection.call(now ? remotePort : remotePortOld, parameters);
            return host + ":" + port;
        }
    }

    private SshjForwards() {
    }

    /** {@code SSHClient.newLocalPortForwarder(parameters, serverSocket)} returned. */
    static void forwarderCreated(Object client, Object parameters, Object serverSocket) throws Exception {
        if (!(serverSocket instanceof ServerSocket) || parameters == null) {
            return;
        }
        final ServerSocket listener = (ServerSocket) serverSocket;
        String target = APIS.of(parameters).target(parameters);
        int colon = target.lastIndexOf(':');
        Forwards.listening(client, "sshj", listener.getLocalPort(), target.substring(0, colon),
                Integer.parseInt(target.substring(colon + 1)), new Forwards.Listener() {
                    @Override
                    public boolean isOpen() {
                        return !listener.isClosed();
                    }

                    @Override
                    public void close() throws Exception {
                        listener.close();
                    }
                });
    }

    /** A forwarded channel's {@code start()} returned: it copies between its socket and the channel. */
    static void channelStarted(final Object channel) throws Exception {
        Api api = APIS.of(channel);
        Field socketField = FWD_SOCKET.fieldOf(channel.getClass());
        if (socketField == null) {
            socketField = FWD_SOCKET_0_27.fieldOf(channel.getClass());
        }
        Field paramsField = FWD_PARAMETERS.fieldOf(channel.getClass());
        if (paramsField == null) {
            paramsField = FWD_PARAMETERS_0_27.fieldOf(channel.getClass());
        }
        final Socket socket = socketField == null ? null : (Socket) socketField.get(channel);
        Object params = paramsField == null ? null : paramsField.get(channel);
        String target = params == null ? "?:0" : api.target(params);
        int colon = target.lastIndexOf(':');
        final SshjApi sshj = SshjApi.of(channel);
        SshjSessions.Client c = SshjSessions.clientOfConnection(sshj.connectionOfChannel(channel));
        Object client = c == null ? null : c.client.get();
        Forwards.connectionOpened(client, channel, "sshj", target.substring(0, colon),
                Integer.parseInt(target.substring(colon + 1)), new ForwardIdle.Closer() {
                    /**
                     * The local socket only: its copiers end, and sshj's socket monitor thread closes the channel.
                     * Not {@code close()} on the channel here: it waits for the peer's reply (sshj's timeout, 30 s),
                     * and a dead peer's would hold a thread of the action pool that keepalive probes are sent on.
                     */
                    @Override
                    public void close() throws Exception {
                        if (socket != null) {
                            socket.close();
                        }
                    }

                    @Override
                    public boolean isClosed() {
                        try {
                            return !sshj.isOpen(channel);
                        } catch (Throwable t) {
                            return false;
                        }
                    }
                }, Reflection.call(api.getOutputStream, channel));
    }
}
