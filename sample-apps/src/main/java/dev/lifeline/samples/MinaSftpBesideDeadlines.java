package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicInteger;

/** {@link JschSftpBesideDeadlines} for MINA. */
public final class MinaSftpBesideDeadlines {
    public static void main(String[] args) {
        Target t = Target.parse(args, 3, "LOCAL_FILE REMOTE_PATH SIBLING_COMMAND");
        Result result = new Result("MinaSftpBesideDeadlines");
        try {
            SshClient client = MinaClients.start(t);
            result.phase("connect");
            final ClientSession session = MinaClients.session(client, t);
            final String sibling = t.rest[2];
            final AtomicInteger ended = new AtomicInteger();
            for (int i = 0; i < 2; i++) {
                Thread th = new Thread(new Runnable() {
                    @Override
                    public void run() {
                        try {
                            while (true) {
                                MinaExecLoop.runOnce(session, sibling);
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
            SftpClient sftp = SftpClientFactory.instance().createSftpClient(session);
            long t0 = System.nanoTime();
            try (OutputStream out = sftp.write(t.rest[1])) {
                Files.copy(Paths.get(t.rest[0]), out);
            }
            try (InputStream in = sftp.read(t.rest[1])) {
                Files.copy(in, Paths.get(t.rest[0] + ".back"), StandardCopyOption.REPLACE_EXISTING);
            }
            result.with("transfer_ms", (System.nanoTime() - t0) / 1_000_000L).with("siblings_ended", ended.get());
            sftp.close();
            session.close(true);
            client.stop();
            Checksums.report(result, t.rest[0], t.rest[0] + ".back");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
