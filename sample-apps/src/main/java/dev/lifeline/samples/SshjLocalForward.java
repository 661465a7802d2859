package dev.lifeline.samples;

import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.LocalPortForwarder;
import net.schmizz.sshj.connection.channel.direct.Parameters;

import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * {@link JschLocalForward} for sshj (0.28+: {@code Parameters}): {@code newLocalPortForwarder} on a free loopback
 * port, and {@code listen()} on the main thread, as sshj's example does; when it ends, the RESULT line says how.
 */
public final class SshjLocalForward {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "TARGET_HOST TARGET_PORT");
        Result result = new Result("SshjLocalForward");
        try {
            SSHClient ssh = SshjClients.connect(t, result);
            ServerSocket listener = new ServerSocket();
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            Parameters params = new Parameters("127.0.0.1", listener.getLocalPort(), t.rest[0], Integer.parseInt(t.rest[1]));
            LocalPortForwarder forwarder = ssh.newLocalPortForwarder(params, listener);
            SessionsOnStdin.startIfAsked();
            Result.ready("forward port=" + listener.getLocalPort());
            forwarder.listen();
            result.finish("listen-ended");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
