package dev.lifeline.samples;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on a free loopback port that can {@link #freeze()}: it stops forwarding in both directions but keeps
 * every socket open, so the client sees what a cut cable or a NAT that forgot the flow looks like (nothing, ever),
 * without root, nft or a second machine. The demo's dead peer.
 */
public final class FreezableRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<Socket>();
    private final Object lock = new Object();
    private volatile boolean frozen;
    private volatile boolean closed;

    public FreezableRelay(String targetHost, int targetPort) throws IOException {
        this.target = new InetSocketAddress(targetHost, targetPort);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(new Runnable() {
            @Override
            public void run() {
                acceptLoop();
            }
        }, "relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** From now on nothing is forwarded; nothing is closed either. */
    public void freeze() {
        frozen = true;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(target, 5000);
                sockets.add(client);
                sockets.add(server);
                pump(client, server, "relay-up");
                pump(server, client, "relay-down");
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(final Socket from, final Socket to, String name) {
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                byte[] buf = new byte[16 * 1024];
                try {
                    InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream();
                    while (true) {
                        awaitThaw();
                        int n = in.read(buf);
                        if (n < 0) {
                            break;
                        }
                        awaitThaw(); // bytes read just before the freeze are swallowed, as by a dead link
                        out.write(buf, 0, n);
                        out.flush();
                    }
                    to.shutdownOutput();
                } catch (IOException | InterruptedException ended) {
                    // relay closed
                }
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    private void awaitThaw() throws InterruptedException {
        if (!frozen) {
            return;
        }
        synchronized (lock) {
            while (!closed) {
                lock.wait(1000); // frozen for good: only close() ends this
            }
        }
        throw new InterruptedException("relay closed");
    }

    @Override
    public void close() throws IOException {
        closed = true;
        synchronized (lock) {
            lock.notifyAll();
        }
        listener.close();
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
