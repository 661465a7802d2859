package dev.lifeline.samples;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpProgressMonitor;

import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An SFTP upload that is still running when the peer vanishes: {@code REMOTE_PATH}, an endless stream put with no
 * timeout. READY after the first 4 MB; reports how many bytes JSch had reported as sent ({@code sent_mb}) and
 * {@code put_ms}, the time from READY to the failure.
 */
public final class JschSftpPutForever {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "REMOTE_PATH");
        final Result result = new Result("JschSftpPutForever");
        final AtomicLong sent = new AtomicLong();
        try {
            Session session = JschClients.connect(t, result);
            ChannelSftp sftp = (ChannelSftp) session.openChannel("sftp");
            sftp.connect();
            InputStream endless = new InputStream() {
                @Override
                public int read() {
                    return 'x';
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    java.util.Arrays.fill(b, off, off + len, (byte) 'x');
                    return len;
                }
            };
            sftp.put(endless, t.rest[0], new SftpProgressMonitor() {
                boolean ready;

                @Override
                public void init(int op, String src, String dest, long max) {
                }

                @Override
                public boolean count(long count) {
                    if (sent.addAndGet(count) > (4 << 20) && !ready) {
                        ready = true;
                        result.phase("put");
                        Result.ready("putting");
                    }
                    return true;
                }

                @Override
                public void end() {
                }
            });
            result.finish("ok");
        } catch (Throwable e) {
            result.with("sent_mb", sent.get() >> 20);
            result.fail(e);
        }
    }
}
