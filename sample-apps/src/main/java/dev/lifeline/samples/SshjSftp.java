package dev.lifeline.samples;

import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.sftp.SFTPClient;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * An SFTP client kept open and idle, then used: {@code ls REMOTE_DIR} once at start, again on the line {@code ls} on
 * stdin (sent by the test, e.g. after cutting the cable). Reports {@code ls_ms} and the entry count. sshj's own
 * per-request SFTP timeout (30 s by default) is left as a legacy app leaves it.
 */
public final class SshjSftp {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "REMOTE_DIR");
        Result result = new Result("SshjSftp");
        try {
            SSHClient ssh = SshjClients.connect(t, result);
            SFTPClient sftp = ssh.newSFTPClient();
            result.with("first_ls", sftp.ls(t.rest[0]).size());
            Result.ready("idle");
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = stdin.readLine()) != null && !"ls".equals(line)) {
                // wait for the trigger
            }
            result.phase("ls");
            int n = sftp.ls(t.rest[0]).size();
            result.endPhase().with("entries", n);
            sftp.close();
            ssh.disconnect();
            result.finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
