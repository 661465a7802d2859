package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

import java.io.ByteArrayOutputStream;
import java.util.EnumSet;

/** Runs one command and waits for the channel to close, with no timeout. */
public final class MinaExec {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "COMMAND");
        Result result = new Result("MinaExec");
        try {
            SshClient client = MinaClients.start(t);
            result.phase("connect");
            ClientSession session = MinaClients.session(client, t);
            result.phase("session");
            Result.ready("connected");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ChannelExec channel = session.createExecChannel(t.rest[0]);
            channel.setOut(out);
            channel.setErr(new ByteArrayOutputStream());
            channel.open().verify();
            result.phase("exec");
            Result.ready("exec");
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), 0L);
            result.endPhase();
            Integer exit = channel.getExitStatus();
            channel.close(false);
            session.close(false);
            client.stop();
            result.with("exit", exit).with("out", out.toString("UTF-8").trim())
                    .finish(exit != null && exit == 0 ? "ok" : "failed");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
