package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.session.ClientSession;

/** {@link JschStreamingExec} on MINA: the exec channel's output read from {@code getInvertedOut()}. */
public final class MinaStreamingExec {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "COMMAND");
        Result result = new Result("MinaStreamingExec");
        try {
            SshClient client = MinaClients.start(t);
            result.phase("connect");
            ClientSession session = MinaClients.session(client, t);
            result.phase("session");
            ChannelExec channel = session.createExecChannel(t.rest[0]);
            channel.open().verify();
            LineClock.read(channel.getInvertedOut()).report(result).with("connected", session.isOpen()).finish("ended");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
