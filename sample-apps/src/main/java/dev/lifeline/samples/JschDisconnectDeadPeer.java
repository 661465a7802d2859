package dev.lifeline.samples;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.Session;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An uploader whose peer vanishes: {@code CHANNELS} exec channels stream data into {@code cat > /dev/null}; on the line
 * {@code disconnect} on stdin (sent once the test has cut the cable) it waits until the writers stall, then calls
 * {@code session.disconnect()} with no timeout, as an app's shutdown hook would. A stalled writer holds JSch's session
 * write lock inside a socket write, so disconnect blocks on that lock. That needs more SSH window open than the
 * kernel's buffers hold (client send buffer up to 4 MB, server receive buffer up to 32 MB on Linux; OpenSSH opens
 * 2 MB per channel), else the writers only wait for window and disconnect goes through: tests use 32 channels.
 * Reports {@code disconnect_ms} and {@code in_socket_write}, the writers stuck in the kernel when disconnect began.
 */
public final class JschDisconnectDeadPeer {
    /**
     * Writers blocked in the socket write itself (the kernel's send buffer full), as opposed to waiting for SSH window
     * space. Only the former hold JSch's session write lock, which is what makes disconnect hang.
     */
    static int inSocketWrite(List<Thread> writers) {
        int n = 0;
        for (Thread w : writers) {
            for (StackTraceElement f : w.getStackTrace()) {
                String c = f.getClassName();
                if (c.endsWith("SocketDispatcher") || c.endsWith("SocketOutputStream") || c.endsWith("NioSocketImpl")) {
                    n++;
                    break;
                }
            }
        }
        return n;
    }

    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "CHANNELS");
        int channels = Integer.parseInt(t.rest[0]);
        Result result = new Result("JschDisconnectDeadPeer");
        try {
            Session session = JschClients.connect(t, result);
            final AtomicLong written = new AtomicLong();
            List<Thread> writers = new ArrayList<Thread>();
            for (int i = 0; i < channels; i++) {
                ChannelExec channel = (ChannelExec) session.openChannel("exec");
                channel.setCommand("cat > /dev/null");
                final OutputStream out = channel.getOutputStream();
                channel.connect();
                Thread writer = new Thread(new Runnable() {
                    @Override
                    public void run() {
                        byte[] chunk = new byte[32 * 1024];
                        try {
                            while (true) {
                                out.write(chunk);
                                written.addAndGet(chunk.length);
                            }
                        } catch (Exception ended) {
                            // the session went away
                        }
                    }
                }, "writer-" + i);
                writer.setDaemon(true);
                writer.start();
                writers.add(writer);
            }
            Result.ready("writing");
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (!"disconnect".equals(stdin.readLine())) {
                // wait for the trigger
            }
            long last = -1;
            for (int i = 0; i < 200 && written.get() != last; i++) {
                last = written.get();
                Thread.sleep(1000);
            }
            for (int i = 0; i < 20 && inSocketWrite(writers) == 0; i++) {
                Thread.sleep(250);
            }
            int stuck = inSocketWrite(writers);
            result.with("written_mb", written.get() >> 20).with("in_socket_write", stuck);
            Result.ready("stalled in_socket_write=" + stuck);
            result.phase("disconnect");
            session.disconnect();
            result.endPhase().finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
