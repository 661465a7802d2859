package dev.lifeline.samples;

import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;

/** {@link JschStreamingExec} on sshj. */
public final class SshjStreamingExec {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "COMMAND");
        Result result = new Result("SshjStreamingExec");
        try {
            SSHClient ssh = SshjClients.connect(t, result);
            Session session = ssh.startSession();
            Session.Command command = session.exec(t.rest[0]);
            LineClock.read(command.getInputStream()).report(result).with("connected", ssh.isConnected()).finish("ended");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
