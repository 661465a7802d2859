package dev.lifeline.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A slow link on loopback: a TCP relay to {@code target} that delivers everything the server sends {@code delayMillis}
 * late, in order (a distant or overloaded server, as a satellite or an intercontinental hop looks to a client); what
 * the client sends goes through at once. Nothing is lost: a healthy, slow peer.
 */
final class DelayedLink implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    DelayedLink(int target, long delayMillis) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("delayed-link-accept", () -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                    sockets.add(client);
                    sockets.add(upstream);
                    daemon("delayed-link-up", () -> pump(client, upstream, 0));
                    daemon("delayed-link-down", () -> pump(upstream, client, delayMillis));
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    int port() {
        return server.getLocalPort();
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    /** Copies {@code from} to {@code to}, each chunk written {@code delayMillis} after it was read. */
    private static void pump(Socket from, Socket to, long delayMillis) {
        LinkedBlockingQueue<Object[]> line = new LinkedBlockingQueue<>();
        daemon("delayed-link-write", () -> {
            try (OutputStream out = to.getOutputStream()) {
                while (true) {
                    Object[] chunk = line.take();
                    if (chunk.length == 0) {
                        to.shutdownOutput();
                        return;
                    }
                    long wait = (Long) chunk[0] - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait); // the link's latency itself, not a wait for a condition
                    }
                    out.write((byte[]) chunk[1]);
                    out.flush();
                }
            } catch (Exception ended) {
                // either side closed
            }
        });
        try (InputStream in = from.getInputStream()) {
            byte[] buf = new byte[16384];
            int n;
            while ((n = in.read(buf)) > 0) {
                line.add(new Object[]{System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis), Arrays.copyOf(buf, n)});
            }
        } catch (IOException ended) {
            // either side closed
        }
        line.add(new Object[0]);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
