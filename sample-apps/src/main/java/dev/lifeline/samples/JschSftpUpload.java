package dev.lifeline.samples;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.Session;

import java.io.File;

/** Benchmark: one SFTP upload ({@code put}) of a local file, timed alone: {@code LOCAL_FILE REMOTE_PATH} → {@code put_ms}. */
public final class JschSftpUpload {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "LOCAL_FILE REMOTE_PATH");
        Result result = new Result("JschSftpUpload");
        try {
            Session session = JschClients.connect(t, result);
            result.endPhase();
            ChannelSftp sftp = (ChannelSftp) session.openChannel("sftp");
            sftp.connect();
            Result.ready("sftp");
            long t0 = System.nanoTime();
            sftp.put(t.rest[0], t.rest[1]);
            long putMicros = (System.nanoTime() - t0) / 1000L;
            sftp.disconnect();
            session.disconnect();
            result.with("bytes", new File(t.rest[0]).length()).with("put_us", putMicros).finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
