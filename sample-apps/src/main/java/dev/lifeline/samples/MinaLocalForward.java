package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.net.SshdSocketAddress;

/** {@link JschLocalForward} for MINA: {@code startLocalPortForwarding} on a free loopback port, then it waits. */
public final class MinaLocalForward {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "TARGET_HOST TARGET_PORT");
        Result result = new Result("MinaLocalForward");
        try {
            SshClient client = MinaClients.start(t);
            ClientSession session = MinaClients.session(client, t);
            SshdSocketAddress bound = session.startLocalPortForwarding(new SshdSocketAddress("127.0.0.1", 0),
                    new SshdSocketAddress(t.rest[0], Integer.parseInt(t.rest[1])));
            SessionsOnStdin.startIfAsked();
            Result.ready("forward port=" + bound.getPort());
            while (true) {
                Thread.sleep(60_000);
            }
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
