package dev.lifeline.samples;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.Session;

import java.io.ByteArrayInputStream;

/**
 * {@code SECONDS COMMAND REMOTE_FILE}: {@link TrafficLoop} on one JSch session (no timeout, no keepalive of its own):
 * exec, {@code ChannelSftp.put}, and {@code setPortForwardingL} to the server's own sshd.
 */
public final class JschRekeyTraffic {
    public static void main(String[] args) {
        Target t = Target.parse(args, 3, TrafficLoop.USAGE);
        Result result = new Result("JschRekeyTraffic");
        try {
            Session session = TrafficLoop.connect(result, () -> JschClients.connect(t, result));
            result.endPhase();
            int forward = session.setPortForwardingL("127.0.0.1", 0, t.host, t.port);
            TrafficLoop.run(result, t, forward, command -> JschExecLoop.runOnce(session, command),
                    (file, data) -> upload(session, file, data));
        } catch (Throwable e) {
            result.fail(e);
        }
    }

    private static long upload(Session session, String file, byte[] data) throws Exception {
        ChannelSftp sftp = (ChannelSftp) session.openChannel("sftp");
        sftp.connect();
        try {
            sftp.put(new ByteArrayInputStream(data), file);
            long size = sftp.stat(file).getSize();
            sftp.rm(file);
            return size;
        } finally {
            sftp.disconnect();
        }
    }
}
