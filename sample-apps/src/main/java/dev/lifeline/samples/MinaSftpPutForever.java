package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

import java.io.OutputStream;

/** {@link JschSftpPutForever} for MINA's SftpClient: an endless write with no timeout; {@code sent_mb}, {@code put_ms}. */
public final class MinaSftpPutForever {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "REMOTE_PATH");
        Result result = new Result("MinaSftpPutForever");
        long sent = 0;
        try {
            SshClient client = MinaClients.start(t);
            result.phase("connect");
            ClientSession session = MinaClients.session(client, t);
            SftpClient sftp = SftpClientFactory.instance().createSftpClient(session);
            byte[] chunk = new byte[32 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'x');
            try (OutputStream out = sftp.write(t.rest[0])) {
                while (true) {
                    out.write(chunk);
                    sent += chunk.length;
                    if (sent == (4 << 20) + chunk.length) {
                        result.phase("put");
                        Result.ready("putting");
                    }
                }
            }
        } catch (Throwable e) {
            result.with("sent_mb", sent >> 20);
            result.fail(e);
        }
    }
}
