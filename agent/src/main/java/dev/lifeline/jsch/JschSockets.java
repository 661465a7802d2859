package dev.lifeline.jsch;

import dev.lifeline.enforce.Sockets;

import java.net.Socket;

/**
 * The TCP socket under a JSch session: the session's own field, which JSch also sets to {@code proxy.getSocket()}
 * through a proxy (so ProxyHTTP/ProxySOCKS4/ProxySOCKS5 sockets are found there); failing that, for an app's own proxy
 * whose {@code getSocket()} returns null, a private field of the proxy named {@code socket}, if it has one.
 */
final class JschSockets {
    private JschSockets() {
    }

    static Socket socketOf(Object session) {
        JschApi api = JschApi.of(session);
        Socket direct = api.socket(session);
        if (direct != null) {
            return direct;
        }
        Object proxy = api.proxy(session);
        return proxy == null ? null : api.proxySocket(proxy);
    }

    /** Shuts the session's socket: every read, write and lock wait on the session ends with an error. */
    static void shut(Object session) {
        Sockets.closeQuietly(socketOf(session));
    }
}
