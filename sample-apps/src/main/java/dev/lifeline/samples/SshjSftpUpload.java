package dev.lifeline.samples;

import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.sftp.SFTPClient;

import java.io.File;

/**
 * {@link JschSftpUpload} for sshj ({@code SFTPClient.put}, as sshj's README uploads): {@code LOCAL_FILE REMOTE_PATH}
 * → {@code put_us}. The one setting changed: {@code setPreserveAttributes(false)}, because sshj's default copies the
 * local file's mode and times onto the remote file after the upload, and the benchmark's remote path is
 * {@code /dev/null} (as root): that would chmod it. It changes nothing in the transfer itself.
 */
public final class SshjSftpUpload {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "LOCAL_FILE REMOTE_PATH");
        Result result = new Result("SshjSftpUpload");
        try {
            SSHClient ssh = SshjClients.connect(t, result);
            result.endPhase();
            SFTPClient sftp = ssh.newSFTPClient();
            sftp.getFileTransfer().setPreserveAttributes(false);
            Result.ready("sftp");
            long t0 = System.nanoTime();
            sftp.put(t.rest[0], t.rest[1]);
            long putMicros = (System.nanoTime() - t0) / 1000L;
            sftp.close();
            ssh.disconnect();
            result.with("bytes", new File(t.rest[0]).length()).with("put_us", putMicros).finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
