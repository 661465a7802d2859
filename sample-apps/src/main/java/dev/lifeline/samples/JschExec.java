package dev.lifeline.samples;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.Session;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;

/** Runs one command the way JSch's own examples do: poll {@code isClosed()} while draining stdout. No timeouts. */
public final class JschExec {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "COMMAND");
        Result result = new Result("JschExec");
        try {
            Session session = JschClients.newSession(t);
            // a legacy app that did set its own values (-Dsample.timeoutMs, -Dsample.connectTimeoutMs): they must keep their meaning
            if (Integer.getInteger("sample.timeoutMs") != null) {
                session.setTimeout(Integer.getInteger("sample.timeoutMs"));
            }
            result.phase("connect");
            if (Integer.getInteger("sample.connectTimeoutMs") != null) {
                session.connect(Integer.getInteger("sample.connectTimeoutMs"));
            } else {
                session.connect();
            }
            result.phase("session");
            Result.ready("connected");
            if (Boolean.getBoolean("sample.rekey")) { // a re-key begun, then the channel opened while it runs
                session.rekey();
            }
            ChannelExec channel = (ChannelExec) session.openChannel("exec");
            channel.setCommand(t.rest[0]);
            InputStream in = channel.getInputStream();
            channel.connect();
            result.phase("exec");
            Result.ready("exec");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            while (true) {
                while (in.available() > 0) {
                    int n = in.read(buf);
                    if (n < 0) {
                        break;
                    }
                    out.write(buf, 0, n);
                }
                if (channel.isClosed()) {
                    if (in.available() > 0) {
                        continue;
                    }
                    break;
                }
                Thread.sleep(50);
            }
            result.endPhase();
            int exit = channel.getExitStatus();
            channel.disconnect();
            session.disconnect();
            result.with("exit", exit).with("out", out.toString("UTF-8").trim()).finish(exit == 0 ? "ok" : "failed");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
