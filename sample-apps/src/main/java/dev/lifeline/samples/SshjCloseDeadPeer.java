package dev.lifeline.samples;

import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A close on a vanished peer, as {@link MinaCloseDeadPeer} for sshj: {@code CHANNELS} exec channels stream into
 * {@code cat > /dev/null}; on the line {@code close} on stdin (sent once the test cut the cable) the app waits until
 * the writers stall (stuck in the socket write, holding sshj's transport write lock), then calls
 * {@code ssh.disconnect()}, which sends SSH_MSG_DISCONNECT through the same lock. Reports {@code close_ms}.
 */
public final class SshjCloseDeadPeer {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "CHANNELS");
        int channels = Integer.parseInt(t.rest[0]);
        Result result = new Result("SshjCloseDeadPeer");
        try {
            final SSHClient ssh = SshjClients.connect(t, result);
            final AtomicLong written = new AtomicLong();
            for (int i = 0; i < channels; i++) {
                Session session = ssh.startSession();
                Session.Command cmd = session.exec("cat > /dev/null");
                final OutputStream out = cmd.getOutputStream();
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
            String line;
            while ((line = stdin.readLine()) != null && !"close".equals(line)) {
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
            ssh.disconnect();
            result.endPhase().with("connected", ssh.isConnected()).finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
