package dev.lifeline.samples;

import com.trilead.ssh2.ChannelCondition;
import com.trilead.ssh2.Connection;
import com.trilead.ssh2.Session;

import java.io.File;
import java.io.InputStream;

/**
 * A Trilead SSH-2 app as Jenkins' SSH agents launcher writes one, minus its timeouts: {@code connect()} with no
 * timeouts, a key file, then either a command ({@code COMMAND}: read stdout to the end, {@code waitForCondition} on
 * the exit status, no timeout) or, with {@code idle} as the command, a {@code cat} whose stdout the app reads and
 * which prints nothing (a session waiting on its peer). Runs on build222 and on Jenkins' fork (one package).
 */
public final class TrileadExec {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "COMMAND|idle");
        Result result = new Result("TrileadExec");
        try {
            result.phase("connect");
            Connection c = new Connection(t.host, t.port);
            c.connect();
            if (!c.authenticateWithPublicKey(t.user, new File(t.identity), null)) {
                throw new IllegalStateException("authentication failed");
            }
            Result.ready("connected");
            Session s = c.openSession();
            boolean idle = t.rest[0].equals("idle");
            s.execCommand(idle ? "cat" : t.rest[0]);
            result.phase("exec");
            Result.ready(idle ? "idle" : "exec");
            InputStream in = s.getStdout();
            StringBuilder out = new StringBuilder();
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.append(new String(buf, 0, n, "UTF-8"));
            }
            int cond = s.waitForCondition(ChannelCondition.EXIT_STATUS | ChannelCondition.CLOSED, 0);
            result.endPhase();
            Integer exit = s.getExitStatus();
            s.close();
            c.close();
            result.with("exit", exit).with("conditions", cond).with("out", out.toString().trim())
                    .finish(exit != null && exit == 0 ? "ok" : "failed");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
