package dev.lifeline.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Accepts TCP connections on loopback and never sends a byte: an SSH server that never sends its banner. */
final class SilentListener implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    SilentListener() throws IOException {
        this(InetAddress.getLoopbackAddress());
    }

    /** On {@code address} (another loopback address, 127.0.0.2, lets a host rule name the silent connect alone). */
    SilentListener(InetAddress address) throws IOException {
        server = new ServerSocket(0, 50, address);
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    accepted.add(server.accept());
                } catch (IOException closed) {
                    return;
                }
            }
        }, "silent-listener");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** {@code HOST:PORT} of the listener, as the tours take it. */
    String hostAndPort() {
        return server.getInetAddress().getHostAddress() + ":" + port();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
    }
}
