package dev.lifeline.samples;

import java.io.InputStream;

/**
 * A Ganymed-family app (Trilead SSH-2, Jenkins' fork of it, Ganymed SSH-2) as Jenkins' SSH agents launcher writes one,
 * minus its timeouts ({@link Ssh2Clients}), then either a command ({@code COMMAND}: read stdout to the end,
 * {@code waitForCondition(EXIT_STATUS | CLOSED, 0)}, the exit status) or, with {@code idle}, a {@code cat} whose stdout
 * the app reads and which prints nothing (a session waiting on its peer).
 */
public final class Ssh2Exec {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "COMMAND|idle");
        Result result = new Result("Ssh2Exec");
        try {
            Object c = Ssh2Clients.connect(t, result);
            Result.ready("connected");
            boolean idle = t.rest[0].equals("idle");
            Object s = Ssh2Clients.exec(c, idle ? "cat" : t.rest[0]);
            result.phase("exec");
            Result.ready(idle ? "idle" : "exec");
            InputStream in = (InputStream) Ssh2Clients.call(s, "getStdout");
            StringBuilder out = new StringBuilder();
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.append(new String(buf, 0, n, "UTF-8"));
            }
            Class<?> conditions = Class.forName(Ssh2Clients.pkg() + ".ChannelCondition");
            int wanted = conditions.getField("EXIT_STATUS").getInt(null) | conditions.getField("CLOSED").getInt(null);
            Object cond = s.getClass().getMethod("waitForCondition", int.class, long.class).invoke(s, wanted, 0L);
            result.endPhase();
            Integer exit = (Integer) Ssh2Clients.call(s, "getExitStatus");
            Ssh2Clients.call(s, "close");
            Ssh2Clients.call(c, "close");
            result.with("lib", Ssh2Clients.pkg()).with("exit", exit).with("conditions", cond)
                    .with("out", out.toString().trim()).finish(exit != null && exit == 0 ? "ok" : "failed");
        } catch (Throwable e) {
            result.fail(e instanceof java.lang.reflect.InvocationTargetException ? e.getCause() : e);
        }
    }
}
