package dev.lifeline.samples;

import com.jcraft.jsch.Channel;
import com.jcraft.jsch.Session;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * For the {@code sessions} view: one JSch session with a shell and an exec ({@code cat}) channel, read by a thread that blocks in it ({@code
 * app-reader}) once {@code read} comes on stdin (the test cuts the peer first). On the line {@code close} on stdin
 * the channel and session are disconnected and the app stays up ({@code READY closed}) until {@code exit}.
 */
public final class JschSessionsTour {
    public static void main(String[] args) {
        Target t = Target.parse(args, 0, "");
        Result result = new Result("JschSessionsTour");
        try {
            final Session session = JschClients.connect(t, result);
            final Channel shell = session.openChannel("shell");
            final InputStream in = shell.getInputStream();
            shell.connect();
            com.jcraft.jsch.ChannelExec exec = (com.jcraft.jsch.ChannelExec) session.openChannel("exec");
            exec.setCommand("cat"); // runs until its channel closes
            exec.connect();
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
            exec.disconnect();
            shell.disconnect();
            session.disconnect();
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
