package dev.lifeline.samples;

import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;

/**
 * {@link JschStreamingExec} on sshj. {@code -Dsample.keepalive=N}: the app sets sshj's own keepalive interval to N
 * seconds before connecting (its default kind, a heartbeater; Lifeline's {@code enforce} makes it a
 * {@code KeepAliveRunner}).
 */
public final class SshjStreamingExec {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "COMMAND");
        Result result = new Result("SshjStreamingExec");
        try {
            SSHClient ssh = SshjClients.newClient();
            int keepalive = Integer.getInteger("sample.keepalive", 0);
            if (keepalive > 0) {
                ssh.getConnection().getKeepAlive().setKeepAliveInterval(keepalive);
            }
            SshjClients.connect(ssh, t, result);
            Session session = ssh.startSession();
            Session.Command command = session.exec(t.rest[0]);
            LineClock.read(command.getInputStream()).report(result).with("connected", ssh.isConnected()).finish("ended");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
