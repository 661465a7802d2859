package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.session.ClientSession;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A graceful close on a vanished peer: {@code CHANNELS} exec channels stream data into {@code cat > /dev/null}; on
 * the line {@code close} on stdin (sent once the test has cut the cable) the app waits until the writers stall, then
 * calls {@code session.close(false).await()} with no timeout. A graceful close first flushes what is queued, and
 * nothing drains towards a dead peer. Reports {@code close_ms}.
 */
public final class MinaCloseDeadPeer {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "CHANNELS");
        int channels = Integer.parseInt(t.rest[0]);
        Result result = new Result("MinaCloseDeadPeer");
        try {
            SshClient client = MinaClients.start(t);
            result.phase("connect");
            ClientSession session = MinaClients.session(client, t);
            final AtomicLong written = new AtomicLong();
            for (int i = 0; i < channels; i++) {
                ChannelExec channel = session.createExecChannel("cat > /dev/null");
                channel.setOut(new ByteArrayOutputStream());
                channel.setErr(new ByteArrayOutputStream());
                channel.open().verify();
                final OutputStream out = channel.getInvertedIn();
                Thread writer = new Thread(new Runnable() {
                    @Override
                    public void run() {
                        byte[] chunk = new byte[32 * 1024];
                        try {
                            while (true) {
                                out.write(chunk);
                                out.flush();
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
            result.phase("wait");
            Result.ready("writing");
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (!"close".equals(stdin.readLine())) {
                // wait for the trigger
            }
            long last = -1;
            for (int i = 0; i < 200 && written.get() != last; i++) {
                last = written.get();
                Thread.sleep(1000);
            }
            result.with("written_mb", written.get() >> 20);
            Result.ready("stalled");
            result.phase("close");
            session.close(false).await();
            result.endPhase().with("closed", session.isClosed()).finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
