package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Paths;

/** Puts a local file with SftpClient, gets it back, compares SHA-256. */
public final class MinaSftp {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "LOCAL_FILE REMOTE_PATH");
        Result result = new Result("MinaSftp");
        try {
            SshClient client = MinaClients.start(t);
            result.phase("connect");
            ClientSession session = MinaClients.session(client, t);
            result.phase("session");
            SftpClient sftp = SftpClientFactory.instance().createSftpClient(session);
            Result.ready("sftp");
            String local = t.rest[0];
            String back = local + ".back";
            try (OutputStream out = sftp.write(t.rest[1])) {
                Files.copy(Paths.get(local), out);
            }
            try (InputStream in = sftp.read(t.rest[1])) {
                Files.copy(in, Paths.get(back), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            sftp.close();
            session.close(false);
            client.stop();
            Checksums.report(result, local, back);
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
