package dev.lifeline.samples;

import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.IOUtils;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.sftp.OpenMode;
import net.schmizz.sshj.sftp.RemoteFile;
import net.schmizz.sshj.sftp.SFTPClient;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.EnumSet;

/**
 * {@link JschSftpStall} for sshj's {@code SFTPClient}: an endless write through a {@code RemoteFile} stream; then
 * {@code echo alive}. {@code -Dsample.maxUnconfirmedWrites=N} (default 16): with more writes in flight than OpenSSH's
 * channel window holds (2 MB, 64 of 32 KB), a stopped server shows as a write waiting for the window.
 */
public final class SshjSftpStall {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "REMOTE_PATH");
        Result result = new Result("SshjSftpStall");
        try {
            SSHClient ssh = SshjClients.connect(t, result);
            result.endPhase();
            SFTPClient sftp = ssh.newSFTPClient();
            InputStream endless = SftpStallSupport.endless(1 << 20);
            byte[] chunk = new byte[32 * 1024];
            int inFlight = Integer.getInteger("sample.maxUnconfirmedWrites", 16);
            try (RemoteFile file = sftp.open(t.rest[0], EnumSet.of(OpenMode.WRITE, OpenMode.CREAT, OpenMode.TRUNC));
                 OutputStream out = file.new RemoteFileOutputStream(0, inFlight)) {
                while (true) {
                    int n = endless.read(chunk, 0, chunk.length);
                    out.write(chunk, 0, n);
                }
            } catch (Exception e) {
                SftpStallSupport.failed(result, e);
            }
            String out;
            try (Session session = ssh.startSession()) {
                Session.Command cmd = session.exec("echo alive");
                out = IOUtils.readFully(cmd.getInputStream()).toString("UTF-8").trim();
                cmd.join();
            }
            ssh.disconnect();
            result.with("exec_after", out).finish("error");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
