package dev.lifeline.samples;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Ganymed-family uploader whose peer vanishes (Jenkins' cleanup blocked in {@code Connection.close}, ssh-agents
 * plugin #178): {@code SESSIONS} sessions run {@code cat > /dev/null}; on the line {@code close} on stdin (sent once
 * the test has cut the cable) a writer per session streams into it until the writers stall, then the app calls
 * {@code Connection.close()} with no timeout. OpenSSH opens 2 MB of window per channel, so a few sessions fill the
 * client's socket send buffer (at most 4 MB): a writer then sits in the socket write holding its channel's send lock,
 * which {@code close()} takes to send the channel's CLOSE. Reports {@code close_ms} and {@code in_socket_write}.
 */
public final class Ssh2CloseDeadPeer {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "SESSIONS");
        int sessions = Integer.parseInt(t.rest[0]);
        Result result = new Result("Ssh2CloseDeadPeer");
        try {
            Object c = Ssh2Clients.connect(t, result);
            List<OutputStream> stdins = new ArrayList<OutputStream>();
            for (int i = 0; i < sessions; i++) {
                stdins.add((OutputStream) Ssh2Clients.call(Ssh2Clients.exec(c, "cat > /dev/null"), "getStdin"));
            }
            Result.ready("sessions");
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (!"close".equals(stdin.readLine())) {
                // wait for the trigger
            }
            final AtomicLong written = new AtomicLong();
            List<Thread> writers = new ArrayList<Thread>();
            for (int i = 0; i < sessions; i++) {
                final OutputStream out = stdins.get(i);
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
                            // the connection went away
                        }
                    }
                }, "writer-" + i);
                writer.setDaemon(true);
                writer.start();
                writers.add(writer);
            }
            long last = -1;
            for (int i = 0; i < 200 && written.get() != last; i++) {
                last = written.get();
                Thread.sleep(1000);
            }
            int stuck = StuckWriters.inSocketWrite(writers);
            result.with("written_mb", written.get() >> 20).with("in_socket_write", stuck);
            Result.ready("stalled in_socket_write=" + stuck);
            result.phase("close");
            Ssh2Clients.call(c, "close");
            result.endPhase().finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
