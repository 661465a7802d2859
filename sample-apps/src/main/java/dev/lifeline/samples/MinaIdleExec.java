package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;

/** Connects, does nothing for a while (the app's own pause), then runs a command on the same session. */
public final class MinaIdleExec {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "IDLE_SECONDS COMMAND");
        Result result = new Result("MinaIdleExec");
        try {
            SshClient client = MinaClients.start(t);
            result.phase("connect");
            ClientSession session = MinaClients.session(client, t);
            result.phase("session");
            Result.ready("idle");
            Thread.sleep(Long.parseLong(t.rest[0]) * 1000L);
            String out = session.executeRemoteCommand(t.rest[1]);
            session.close(false);
            client.stop();
            result.with("out", out.trim()).finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
