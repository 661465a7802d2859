package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;

/** {@code SECONDS COMMAND}: {@link TrafficLoop} on one MINA session. */
public final class MinaRekeyTraffic {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "SECONDS COMMAND");
        Result result = new Result("MinaRekeyTraffic");
        try {
            SshClient client = MinaClients.start(t);
            result.phase("connect");
            ClientSession session = TrafficLoop.connect(result, () -> MinaClients.session(client, t));
            result.endPhase();
            TrafficLoop.run(result, Long.parseLong(t.rest[0]), () -> MinaExecLoop.runOnce(session, t.rest[1]));
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
