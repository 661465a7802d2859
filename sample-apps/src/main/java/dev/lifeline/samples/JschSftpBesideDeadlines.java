package dev.lifeline.samples;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.Session;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * SFTP put + get of {@code LOCAL_FILE} while sibling exec channels on the same session run {@code SIBLING_COMMAND}
 * over and over (under the agent each one is ended by its exec deadline). Reports {@code transfer_ms}, how many
 * siblings ended, and the SHA-256 check of the round trip.
 */
public final class JschSftpBesideDeadlines {
    public static void main(String[] args) {
        Target t = Target.parse(args, 3, "LOCAL_FILE REMOTE_PATH SIBLING_COMMAND");
        Result result = new Result("JschSftpBesideDeadlines");
        try {
            final Session session = JschClients.connect(t, result);
            final String sibling = t.rest[2];
            final AtomicInteger ended = new AtomicInteger();
            for (int i = 0; i < 2; i++) {
                Thread th = new Thread(new Runnable() {
                    @Override
                    public void run() {
                        try {
                            while (true) {
                                JschExecLoop.runOnce(session, sibling);
                                ended.incrementAndGet();
                            }
                        } catch (Exception stop) {
                            // session closed at the end
                        }
                    }
                }, "sibling-" + i);
                th.setDaemon(true);
                th.start();
            }
            ChannelSftp sftp = (ChannelSftp) session.openChannel("sftp");
            sftp.connect();
            long t0 = System.nanoTime();
            sftp.put(t.rest[0], t.rest[1]);
            sftp.get(t.rest[1], t.rest[0] + ".back");
            result.with("transfer_ms", (System.nanoTime() - t0) / 1_000_000L).with("siblings_ended", ended.get());
            sftp.disconnect();
            session.disconnect();
            Checksums.report(result, t.rest[0], t.rest[0] + ".back");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
