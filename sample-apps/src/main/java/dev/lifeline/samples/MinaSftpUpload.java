package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Paths;

/** {@link JschSftpUpload} for MINA ({@code SftpClient.write} as {@link MinaSftp} does): {@code put_us}. */
public final class MinaSftpUpload {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "LOCAL_FILE REMOTE_PATH");
        Result result = new Result("MinaSftpUpload");
        try {
            SshClient client = MinaClients.start(t);
            result.phase("connect");
            ClientSession session = MinaClients.session(client, t);
            result.endPhase();
            SftpClient sftp = SftpClientFactory.instance().createSftpClient(session);
            Result.ready("sftp");
            long t0 = System.nanoTime();
            try (OutputStream out = sftp.write(t.rest[1])) {
                Files.copy(Paths.get(t.rest[0]), out);
            }
            long putMicros = (System.nanoTime() - t0) / 1000L;
            sftp.close();
            session.close(false).await();
            client.stop();
            result.with("bytes", Files.size(Paths.get(t.rest[0]))).with("put_us", putMicros).finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
