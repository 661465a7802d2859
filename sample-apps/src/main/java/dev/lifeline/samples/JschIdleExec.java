package dev.lifeline.samples;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.Session;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;

/** Connects, does nothing for a while (the app's own pause), then runs a command on the same session. */
public final class JschIdleExec {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "IDLE_SECONDS COMMAND");
        Result result = new Result("JschIdleExec");
        try {
            Session session = JschClients.connect(t, result);
            Result.ready("idle");
            Thread.sleep(Long.parseLong(t.rest[0]) * 1000L);
            ChannelExec channel = (ChannelExec) session.openChannel("exec");
            channel.setCommand(t.rest[1]);
            InputStream in = channel.getInputStream();
            channel.connect();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
            while (!channel.isClosed()) {
                Thread.sleep(50); // the exit status arrives after the output's EOF, before the close
            }
            int exit = channel.getExitStatus();
            channel.disconnect();
            session.disconnect();
            result.with("exit", exit).with("out", out.toString("UTF-8").trim()).finish(exit == 0 ? "ok" : "failed");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
