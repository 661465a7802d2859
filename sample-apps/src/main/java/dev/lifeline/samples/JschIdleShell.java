package dev.lifeline.samples;

import com.jcraft.jsch.Channel;
import com.jcraft.jsch.Session;

import java.io.InputStream;

/** Opens a shell and blocks reading it, as a forgotten legacy session does. Ends only if the stream ends. */
public final class JschIdleShell {
    public static void main(String[] args) {
        Target t = Target.parse(args, 0, "");
        Result result = new Result("JschIdleShell");
        try {
            Session session = JschClients.connect(t, result);
            Channel shell = session.openChannel("shell");
            InputStream in = shell.getInputStream();
            shell.connect();
            Result.ready("idle");
            long idleStart = System.nanoTime();
            while (in.read() >= 0) {
                // the shell prints nothing; a byte here would be a prompt or a motd
            }
            result.with("idle_ms", (System.nanoTime() - idleStart) / 1_000_000L)
                    .with("session_connected", session.isConnected()).finish("closed");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
