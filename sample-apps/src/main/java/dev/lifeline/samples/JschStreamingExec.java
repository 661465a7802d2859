package dev.lifeline.samples;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.Session;

import java.io.InputStream;

/**
 * Runs one command that streams lines and reads them until the stream ends, with no timeout and no keepalive of its
 * own; reports {@code lines} and {@code quiet_ms} (how long the stream was quiet when it ended). Issue 25 item 3: a
 * server that streams and never answers keepalive requests must not be declared dead.
 */
public final class JschStreamingExec {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "COMMAND");
        Result result = new Result("JschStreamingExec");
        try {
            Session session = JschClients.connect(t, result);
            ChannelExec exec = (ChannelExec) session.openChannel("exec");
            exec.setCommand(t.rest[0]);
            InputStream in = exec.getInputStream();
            exec.connect();
            LineClock.read(in).report(result).with("connected", session.isConnected()).finish("ended");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
