package dev.lifeline.samples;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.Session;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;

/**
 * Issue 25: an SFTP upload whose server stops answering while the transport lives ({@code sftp-server} stopped): an
 * endless {@code put} to {@code REMOTE_PATH} with no timeout. READY after the first MB; when the put fails it prints
 * {@code FAILED}, then runs {@code echo alive} on the same session ({@code exec_after}) to show the session survived.
 * {@code -Dsample.bulkRequests=N} sets {@code setBulkRequests(N)}: with more requests in flight than OpenSSH's channel
 * window holds (2 MB, 64 writes of 32 KB), a stopped server shows as a write waiting for the window
 * ({@code Session.write}) instead of a wait for a response.
 */
public final class JschSftpStall {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "REMOTE_PATH");
        Result result = new Result("JschSftpStall");
        try {
            Session session = JschClients.connect(t, result);
            ChannelSftp sftp = (ChannelSftp) session.openChannel("sftp");
            sftp.connect();
            Integer bulk = Integer.getInteger("sample.bulkRequests");
            if (bulk != null) {
                sftp.setBulkRequests(bulk);
            }
            try {
                sftp.put(SftpStallSupport.endless(1 << 20), t.rest[0]);
                result.finish("ok");
            } catch (Exception e) {
                SftpStallSupport.failed(result, e);
            }
            ChannelExec exec = (ChannelExec) session.openChannel("exec");
            exec.setCommand("echo alive");
            InputStream in = exec.getInputStream();
            exec.connect();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[256];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
            }
            exec.disconnect();
            session.disconnect();
            result.with("exec_after", out.toString("UTF-8").trim()).finish("error");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
