package dev.lifeline.samples;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.Session;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An uploader whose peer vanishes: {@code CHANNELS} exec channels stream data into {@code cat > /dev/null}; on the line
 * {@code disconnect} on stdin (sent once the test has cut the cable) it waits until the writers stall, then calls
 * {@code session.disconnect()} with no timeout, as an app's shutdown hook would. A stalled writer holds JSch's session
 * write lock inside a socket write, so disconnect blocks on that lock. Reports {@code disconnect_ms}.
 */
public final class JschDisconnectDeadPeer {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "CHANNELS");
        int channels = Integer.parseInt(t.rest[0]);
        Result result = new Result("JschDisconnectDeadPeer");
        try {
            Session session = JschClients.connect(t, result);
            final AtomicLong written = new AtomicLong();
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
            result.with("written_mb", written.get() >> 20);
            Result.ready("stalled");
            result.phase("disconnect");
            session.disconnect();
            result.endPhase().finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
