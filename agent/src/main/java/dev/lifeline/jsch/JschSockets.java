package dev.lifeline.jsch;

import dev.lifeline.enforce.Sockets;

import java.net.Socket;

/** The TCP socket under a JSch session: the session's own, or through a proxy ({@code setProxy}) the proxy's. */
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
