package dev.lifeline.samples;

import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * {@link JschStuckNow} on sshj: a thread blocked reading an idle shell, an exec of {@code sleep 30000} waited on in
 * {@code join()}, and another read the common way (its stdout to the end, then {@code join()}).
 */
public final class SshjStuckNow {
    public static void main(String[] args) throws Exception {
        Target cut = Target.parse(args, 4, "HOST PORT USER IDENTITY (healthy)");
        Target healthy = Target.parse(cut.rest, 0, "");
        Result result = new Result("SshjStuckNow");
        SSHClient stuck = SshjClients.connect(cut, result);
        Session.Shell shell = stuck.startSession().startShell();
        InputStream in = shell.getInputStream();
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
        SSHClient good = SshjClients.connect(healthy, result);
        String command = healthy.rest.length > 0 ? healthy.rest[0] : "sleep 30000";
        Session.Command exec = good.startSession().exec(command);
        Samples.daemon("exec-waiter", () -> {
            long start = System.nanoTime();
            try {
                exec.join();
            } catch (Exception e) {
                // ended by an error: reported below
            }
            Samples.event("exec-ended after_ms=" + (System.nanoTime() - start) / 1_000_000L + " exit=" + exec.getExitStatus());
        });
        Session.Command read = good.startSession().exec(command);
        Samples.daemon("exec-reader", () -> {
            long start = System.nanoTime();
            String how = "eof";
            try {
                InputStream out = read.getInputStream(); // taken from the Session.Command: what tells it from a shell's
                byte[] buf = new byte[8192];
                while (out.read(buf) >= 0) {
                    // sleep prints nothing
                }
                read.join();
            } catch (Exception e) {
                how = e.toString();
            }
            Samples.event("exec-read-ended after_ms=" + (System.nanoTime() - start) / 1_000_000L + " how=" + how
                    + " exit=" + read.getExitStatus());
        });
        Result.ready("all");
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = stdin.readLine()) != null && !line.equals("quit"); ) {
            if (line.equals("run")) {
                try (Session s = good.startSession()) {
                    Session.Command echo = s.exec("echo alive");
                    String out = new String(net.schmizz.sshj.common.IOUtils.readFully(echo.getInputStream()).toByteArray(),
                            StandardCharsets.UTF_8).trim();
                    echo.join();
                    Samples.event("ran output=" + out + " exit=" + echo.getExitStatus());
                } catch (Exception e) {
                    Samples.event("ran failed=" + e);
                }
            }
        }
        System.exit(0);
    }
}
