package dev.lifeline.samples;

import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * For the {@code sessions} view: one sshj client (legacy style, no keepalive set) with a shell and an exec
 * ({@code cat}) channel, read by a thread that blocks in it ({@code app-reader}) once {@code read} comes on stdin (the
 * test cuts the peer first). On the line {@code close} on stdin the client is disconnected (its channels with it) and the app
 * stays up ({@code READY closed}) until {@code exit}.
 */
public final class SshjSessionsTour {
    public static void main(String[] args) {
        Target t = Target.parse(args, 0, "");
        Result result = new Result("SshjSessionsTour");
        try {
            final SSHClient ssh = SshjClients.connect(t, result);
            Session shellSession = ssh.startSession();
            Session.Shell shell = shellSession.startShell();
            final InputStream in = shell.getInputStream();
            Session execSession = ssh.startSession();
            execSession.exec("cat"); // runs until its channel closes
            Thread reader = new Thread(() -> {
                try {
                    while (in.read() >= 0) {
                        // nothing comes: the shell prints nothing
                    }
                } catch (Exception ended) {
                    // the channel closed
                }
            }, "app-reader");
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
            // as legacy apps do: disconnect ends the channels too (AbstractChannel.close waits up to 30 s for the
            // server's reply, and OpenSSH replies for `cat` only once it has exited)
            ssh.disconnect();
            Result.ready("closed");
            while (!"exit".equals(stdin.readLine())) {
                // wait
            }
            result.finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
