package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

import java.io.OutputStream;

/**
 * {@code SECONDS COMMAND REMOTE_FILE}: {@link TrafficLoop} on one MINA session: exec, {@code SftpClient.write}, and
 * {@code startLocalPortForwarding} to the server's own sshd.
 */
public final class MinaRekeyTraffic {
    public static void main(String[] args) {
        Target t = Target.parse(args, 3, TrafficLoop.USAGE);
        Result result = new Result("MinaRekeyTraffic");
        try {
            SshClient client = MinaClients.start(t);
            result.phase("connect");
            ClientSession session = TrafficLoop.connect(result, () -> MinaClients.session(client, t));
            result.endPhase();
            SshdSocketAddress forward = session.startLocalPortForwarding(new SshdSocketAddress("127.0.0.1", 0),
                    new SshdSocketAddress(t.host, t.port));
            TrafficLoop.run(result, t, forward.getPort(), command -> MinaExecLoop.runOnce(session, command),
                    (file, data) -> upload(session, file, data));
        } catch (Throwable e) {
            result.fail(e);
        }
    }

    private static long upload(ClientSession session, String file, byte[] data) throws Exception {
        try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
            try (OutputStream out = sftp.write(file)) {
                out.write(data);
            }
            long size = sftp.stat(file).getSize();
            sftp.remove(file);
            return size;
        }
    }
}
