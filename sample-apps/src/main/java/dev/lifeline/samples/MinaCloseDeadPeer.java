package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.session.ClientSession;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A graceful close on a vanished peer: an exec channel runs {@code sleep 1000}; on the line {@code close} on stdin
 * (sent once the test has cut the cable) the app calls {@code session.close(false).await()} with no timeout, which
 * waits for the peer's CHANNEL_CLOSE. Reports {@code close_ms}.
 */
public final class MinaCloseDeadPeer {
    public static void main(String[] args) {
        Target t = Target.parse(args, 0, "");
        Result result = new Result("MinaCloseDeadPeer");
        try {
            SshClient client = MinaClients.start(t);
            result.phase("connect");
            ClientSession session = MinaClients.session(client, t);
            ChannelExec channel = session.createExecChannel("sleep 1000");
            channel.setOut(new ByteArrayOutputStream());
            channel.setErr(new ByteArrayOutputStream());
            channel.open().verify();
            result.phase("wait");
            Result.ready("open");
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (!"close".equals(stdin.readLine())) {
                // wait for the trigger
            }
            result.phase("close");
            session.close(false).await();
            result.endPhase().with("closed", session.isClosed()).finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
