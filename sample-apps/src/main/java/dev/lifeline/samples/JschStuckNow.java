package dev.lifeline.samples;

import com.jcraft.jsch.Channel;
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.Session;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Issue 24: a JVM stuck now, for an attach to rescue. Two sessions, opened before any agent: one to the first server
 * with a thread blocked reading an idle shell (the peer the test then cuts), one to the second server with an exec of
 * {@code sleep 30000} that a thread waits on. Each thread prints {@code EVENT} when it wakes. On stdin, {@code run}
 * runs {@code echo alive} through the second session (still working after the attach?), {@code quit} ends.
 * Arguments: HOST PORT USER IDENTITY (to be cut) HOST PORT USER IDENTITY (healthy).
 */
public final class JschStuckNow {
    public static void main(String[] args) throws Exception {
        Target cut = Target.parse(args, 4, "HOST PORT USER IDENTITY (healthy)");
        Target healthy = Target.parse(cut.rest, 0, "");
        Result result = new Result("JschStuckNow");
        Session stuck = JschClients.connect(cut, result);
        Channel shell = stuck.openChannel("shell");
        InputStream in = shell.getInputStream();
        shell.connect();
        Samples.daemon("stuck-reader", () -> {
            long start = System.nanoTime();
            try {
                while (in.read() >= 0) {
                    // the shell prints nothing
                }
                Samples.event("woke reader=stuck-reader after_ms=" + (System.nanoTime() - start) / 1_000_000L + " how=eof");
            } catch (Exception e) {
                Samples.event("woke reader=stuck-reader after_ms=" + (System.nanoTime() - start) / 1_000_000L + " how=" + e);
            }
        });
        Session good = JschClients.connect(healthy, result);
        ChannelExec exec = (ChannelExec) good.openChannel("exec");
        exec.setCommand(healthy.rest.length > 0 ? healthy.rest[0] : "sleep 30000");
        exec.connect();
        Samples.daemon("exec-waiter", () -> {
            long start = System.nanoTime();
            while (!exec.isClosed()) {
                Samples.pause(50);
            }
            Samples.event("exec-ended after_ms=" + (System.nanoTime() - start) / 1_000_000L + " exit=" + exec.getExitStatus());
        });
        Result.ready("all");
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = stdin.readLine()) != null && !line.equals("quit"); ) {
            if (line.equals("run")) {
                try {
                    ChannelExec echo = (ChannelExec) good.openChannel("exec");
                    echo.setCommand("echo alive");
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    echo.setOutputStream(out);
                    echo.connect(10_000);
                    while (!echo.isClosed()) {
                        Samples.pause(20);
                    }
                    echo.disconnect();
                    Samples.event("ran output=" + out.toString("UTF-8").trim() + " exit=" + echo.getExitStatus());
                } catch (Exception e) {
                    Samples.event("ran failed=" + e);
                }
            }
        }
        System.exit(0);
    }
}
