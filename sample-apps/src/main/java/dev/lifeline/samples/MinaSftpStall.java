package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * {@link JschSftpStall} for MINA's {@code SftpClient}: an endless {@code write(path)} stream; then {@code echo alive}.
 * {@code -Dsample.flushEach=true} flushes after every write: the stream sends without waiting for acknowledgements,
 * so once a stopped server's window is spent it is the flush that waits for the last write to be sent.
 */
public final class MinaSftpStall {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "REMOTE_PATH");
        Result result = new Result("MinaSftpStall");
        try {
            SshClient client = MinaClients.start(t);
            result.phase("connect");
            ClientSession session = MinaClients.session(client, t);
            result.endPhase();
            SftpClient sftp = SftpClientFactory.instance().createSftpClient(session);
            InputStream endless = SftpStallSupport.endless(1 << 20);
            byte[] chunk = new byte[32 * 1024];
            boolean flushEach = Boolean.getBoolean("sample.flushEach");
            try (OutputStream out = sftp.write(t.rest[0])) {
                while (true) {
                    int n = endless.read(chunk, 0, chunk.length);
                    out.write(chunk, 0, n);
                    if (flushEach) {
                        out.flush();
                    }
                }
            } catch (Exception e) {
                SftpStallSupport.failed(result, e);
            }
            String out = session.executeRemoteCommand("echo alive").trim();
            session.close(true);
            client.stop();
            result.with("exec_after", out).finish("error");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
