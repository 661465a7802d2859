package dev.lifeline.enforce;

import java.net.Socket;

/** What every library's {@code *Sockets} does with the socket it found: nothing here names a library. */
public final class Sockets {
    private Sockets() {
    }

    /** The value of a library's socket field, when it holds a socket. */
    public static Socket asSocket(Object value) {
        return value instanceof Socket ? (Socket) value : null;
    }

    /** Shuts a socket (a null one is none): every read, write and wait on it fails at once. */
    public static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (Exception ignored) {
                // already closed: the goal is reached
            }
        }
    }
}
