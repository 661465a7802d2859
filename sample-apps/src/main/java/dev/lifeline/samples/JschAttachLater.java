package dev.lifeline.samples;

import com.jcraft.jsch.Channel;
import com.jcraft.jsch.Session;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A long-running app that Lifeline is attached to while it runs: one session before the line {@code go} on stdin
 * (JSch classes already loaded), one after. Reports each session's keepalive interval as JSch holds it.
 */
public final class JschAttachLater {
    public static void main(String[] args) {
        Target t = Target.parse(args, 0, "");
        Result result = new Result("JschAttachLater");
        try {
            Session before = JschClients.connect(t, result);
            result.with("before_interval", before.getServerAliveInterval());
            Result.ready("first");
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (!"go".equals(stdin.readLine())) {
                // wait for the trigger
            }
            Session after = JschClients.connect(t, result);
            result.with("after_interval", after.getServerAliveInterval())
                    .with("before_interval_now", before.getServerAliveInterval());
            if (Boolean.getBoolean("sample.idleAfter")) {
                // the forgotten session of a legacy app, opened after the attach: blocks until its stream ends
                Channel shell = after.openChannel("shell");
                InputStream in = shell.getInputStream();
                shell.connect();
                Result.ready("idle");
                long idleStart = System.nanoTime();
                while (in.read() >= 0) {
                    // nothing comes
                }
                result.with("idle_ms", (System.nanoTime() - idleStart) / 1_000_000L).finish("closed");
                return;
            }
            after.disconnect();
            before.disconnect();
            result.finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
