package dev.lifeline.samples;

import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.LocalPortForwarder;
import net.schmizz.sshj.connection.channel.direct.Parameters;
import net.schmizz.sshj.sftp.OpenMode;
import net.schmizz.sshj.sftp.RemoteFile;
import net.schmizz.sshj.sftp.SFTPClient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.EnumSet;

/**
 * {@code SECONDS COMMAND REMOTE_FILE}: {@link TrafficLoop} on one sshj connection: exec, {@code RemoteFile.write}, and
 * a {@code LocalPortForwarder} to the server's own sshd, listening on a thread of its own.
 */
public final class SshjRekeyTraffic {
    public static void main(String[] args) {
        Target t = Target.parse(args, 3, TrafficLoop.USAGE);
        Result result = new Result("SshjRekeyTraffic");
        try {
            SSHClient ssh = TrafficLoop.connect(result, () -> SshjClients.connect(t, result));
            result.endPhase();
            ServerSocket listener = new ServerSocket();
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            LocalPortForwarder forwarder = ssh.newLocalPortForwarder(
                    new Parameters("127.0.0.1", listener.getLocalPort(), t.host, t.port), listener);
            Thread listening = new Thread(() -> {
                try {
                    forwarder.listen();
                } catch (IOException e) {
                    // the connections the rounds make through it then fail, and say so
                }
            }, "forward");
            listening.setDaemon(true);
            listening.start();
            TrafficLoop.run(result, t, listener.getLocalPort(), command -> SshjExecThroughput.runOnce(ssh, command),
                    (file, data) -> upload(ssh, file, data));
        } catch (Throwable e) {
            result.fail(e);
        }
    }

    private static long upload(SSHClient ssh, String file, byte[] data) throws Exception {
        try (SFTPClient sftp = ssh.newSFTPClient()) {
            try (RemoteFile f = sftp.open(file, EnumSet.of(OpenMode.WRITE, OpenMode.CREAT, OpenMode.TRUNC))) {
                for (int off = 0; off < data.length; off += 32 * 1024) {
                    f.write(off, data, off, Math.min(32 * 1024, data.length - off));
                }
            }
            long size = sftp.size(file);
            sftp.rm(file);
            return size;
        }
    }
}
