package dev.lifeline.samples;

import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;

import java.io.InputStream;

/** Opens a shell (no pty: it prints nothing) and blocks reading it, as a forgotten legacy session does. */
public final class SshjIdleShell {
    public static void main(String[] args) {
        Target t = Target.parse(args, 0, "");
        Result result = new Result("SshjIdleShell");
        try {
            SSHClient ssh = SshjClients.connect(t, result);
            Session session = ssh.startSession();
            Session.Shell shell = session.startShell();
            InputStream in = shell.getInputStream();
            Result.ready("idle");
            long idleStart = System.nanoTime();
            while (in.read() >= 0) {
                // the shell prints nothing; a byte here would be a prompt or a motd
            }
            result.with("idle_ms", (System.nanoTime() - idleStart) / 1_000_000L)
                    .with("session_connected", ssh.isConnected()).finish("closed");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
