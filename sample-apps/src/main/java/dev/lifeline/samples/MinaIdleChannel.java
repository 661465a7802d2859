package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

import java.io.ByteArrayOutputStream;
import java.util.EnumSet;
import java.util.Set;

/** Opens a shell and waits for it to close, with no timeout, as a forgotten legacy session does. */
public final class MinaIdleChannel {
    public static void main(String[] args) {
        Target t = Target.parse(args, 0, "");
        Result result = new Result("MinaIdleChannel");
        try {
            SshClient client = MinaClients.start(t);
            result.phase("connect");
            ClientSession session = MinaClients.session(client, t);
            result.phase("session");
            ChannelShell shell = session.createShellChannel();
            shell.setOut(new ByteArrayOutputStream());
            shell.setErr(new ByteArrayOutputStream());
            shell.open().verify();
            Result.ready("idle");
            long idleStart = System.nanoTime();
            Set<ClientChannelEvent> events = shell.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), 0L);
            result.with("idle_ms", (System.nanoTime() - idleStart) / 1_000_000L)
                    .with("events", events.toString().replace(" ", "")).finish("closed");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
