package dev.lifeline.samples;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.Session;

/** Puts a local file, gets it back, compares SHA-256. */
public final class JschSftp {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "LOCAL_FILE REMOTE_PATH");
        Result result = new Result("JschSftp");
        try {
            Session session = JschClients.connect(t, result);
            ChannelSftp sftp = (ChannelSftp) session.openChannel("sftp");
            sftp.connect();
            Result.ready("sftp");
            String local = t.rest[0];
            String back = local + ".back";
            sftp.put(local, t.rest[1]);
            sftp.get(t.rest[1], back);
            sftp.disconnect();
            session.disconnect();
            Checksums.report(result, local, back);
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
