package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;

/** {@link JschStuckNow} on MINA: a thread waiting for an idle shell to close, an exec of {@code sleep 30000} waited on. */
public final class MinaStuckNow {
    public static void main(String[] args) throws Exception {
        Target cut = Target.parse(args, 4, "HOST PORT USER IDENTITY (healthy)");
        Target healthy = Target.parse(cut.rest, 0, "");
        SshClient client = MinaClients.start(cut);
        ClientSession stuck = MinaClients.session(client, cut);
        ChannelShell shell = stuck.createShellChannel();
        shell.setOut(new ByteArrayOutputStream());
        shell.setErr(new ByteArrayOutputStream());
        shell.open().verify();
        Samples.daemon("stuck-reader", () -> {
            long start = System.nanoTime();
            Set<ClientChannelEvent> events = shell.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), 0L);
            Samples.event("woke reader=stuck-reader after_ms=" + (System.nanoTime() - start) / 1_000_000L + " how="
                    + events.toString().replace(" ", ""));
        });
        SshClient other = MinaClients.start(healthy); // its own key: the servers differ
        ClientSession good = MinaClients.session(other, healthy);
        ChannelExec exec = good.createExecChannel(healthy.rest.length > 0 ? healthy.rest[0] : "sleep 30000");
        exec.setOut(new ByteArrayOutputStream());
        exec.setErr(new ByteArrayOutputStream());
        exec.open().verify();
        Samples.daemon("exec-waiter", () -> {
            long start = System.nanoTime();
            exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), 0L);
            Samples.event("exec-ended after_ms=" + (System.nanoTime() - start) / 1_000_000L + " exit=" + exec.getExitStatus());
        });
        Result.ready("all");
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = stdin.readLine()) != null && !line.equals("quit"); ) {
            if (line.equals("run")) {
                try {
                    String out = good.executeRemoteCommand("echo alive").trim();
                    Samples.event("ran output=" + out + " exit=0");
                } catch (Exception e) {
                    Samples.event("ran failed=" + e);
                }
            }
        }
        System.exit(0);
    }
}
