package dev.lifeline.jsch;

import dev.lifeline.enforce.ForwardIdle;
import dev.lifeline.instrument.PerLoader;
import dev.lifeline.instrument.Reflection;
import dev.lifeline.sessions.Forwards;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

import static dev.lifeline.jsch.JschModule.*;

/**
 * JSch's local port forwards: listeners handed to {@link Forwards} (JSch's own {@code Session.disconnect()} closes
 * them, and its reader thread calls {@code disconnect()} when the session dies, so for JSch the line at the session's
 * end reports what JSch closed), and each forwarded connection ({@code ChannelDirectTCPIP}) put under
 * {@code forward.idleTimeout}: closing it is {@code Channel.disconnect()}, which closes the local socket's streams (and
 * so the socket) and ends the copying thread.
 */
final class JschForwards {
    private static final PerLoader<Api> APIS = new PerLoader<Api>() {
        @Override
        protected Api create(ClassLoader loader) throws Exception {
            return new Api(loader);
        }
    };

    /** The members only forwards use, resolved from {@link JschModule}'s declarations. */
    static final class Api {
        final Field directHost;
        final Field directPort;
        final Method getForwards;
        final Method delForward;

        Api(ClassLoader loader) throws Exception {
            directHost = DIRECT_HOST.field(loader);
            directPort = DIRECT_PORT.field(loader);
            getForwards = GET_FORWARDS_L.method(loader);
            delForward = DEL_FORWARD_L.method(loader);
        }
    }

    private JschForwards() {
    }

    /** {@code setPortForwardingL} bound {@code boundPort}. */
    static void listening(final Object session, final Object bindAddress, final int boundPort, Object host, int hostPort) {
        final Api api = APIS.of(session);
        Forwards.listening(session, "jsch", boundPort, String.valueOf(host), hostPort, new Forwards.Listener() {
            /** JSch lists a session's listeners as "lport:host:rport"; one that is closed is no longer listed. */
            @Override
            public boolean isOpen() throws Exception {
                Object listed = Reflection.call(api.getForwards, session);
                if (listed instanceof String[]) {
                    for (String f : (String[]) listed) {
                        if (f.startsWith(boundPort + ":")) {
                            return true;
                        }
                    }
                }
                return false;
            }

            @Override
            public void close() throws Exception {
                Reflection.call(api.delForward, session, bindAddress, boundPort);
            }
        });
    }

    /** {@code ChannelDirectTCPIP.connect(int)} returned. */
    static void connected(final Object channel) throws Exception {
        Api api = APIS.of(channel);
        Object session = JschApi.of(channel).sessionOf(channel);
        Object host = api.directHost.get(channel);
        int port = api.directPort.getInt(channel);
        Forwards.connectionOpened(session, channel, "jsch", String.valueOf(host), port, new ForwardIdle.Closer() {
            @Override
            public void close() throws Exception {
                JschApi.of(channel).disconnect(channel);
            }

            @Override
            public boolean isClosed() {
                try {
                    return JschApi.of(channel).isClosed(channel);
                } catch (Throwable t) {
                    return false;
                }
            }
        });
    }
}
