package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;

/**
 * For the {@code sessions} view: one MINA session with a shell and an exec ({@code cat}) channel, and a thread ({@code app-reader}) that,
 * once {@code read} comes on stdin, waits for it to close with no timeout. On {@code close} on stdin the channel
 * and session are closed and the app stays up ({@code READY closed}) until {@code exit}.
 */
public final class MinaSessionsTour {
    public static void main(String[] args) {
        Target t = Target.parse(args, 0, "");
        Result result = new Result("MinaSessionsTour");
        try {
            SshClient client = MinaClients.start(t);
            ClientSession session = MinaClients.session(client, t);
            final ChannelShell shell = session.createShellChannel();
            shell.setOut(new ByteArrayOutputStream());
            shell.setErr(new ByteArrayOutputStream());
            shell.open().verify();
            org.apache.sshd.client.channel.ChannelExec exec = session.createExecChannel("cat"); // runs until closed
            exec.setOut(new ByteArrayOutputStream());
            exec.open().verify();
            Thread reader = new Thread(() -> shell.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), 0L), "app-reader");
            reader.setDaemon(true);
            Result.ready("open");
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (!"read".equals(stdin.readLine())) {
                // wait: the test cuts the peer first
            }
            reader.start();
            Result.ready("reading");
            while (!"close".equals(stdin.readLine())) {
                // wait
            }
            exec.close(true);
            shell.close(true);
            session.close(true);
            Result.ready("closed");
            while (!"exit".equals(stdin.readLine())) {
                // wait
            }
            client.stop();
            result.finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
