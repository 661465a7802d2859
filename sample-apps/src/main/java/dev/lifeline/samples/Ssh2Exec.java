package dev.lifeline.samples;

import java.io.File;
import java.io.InputStream;
import java.lang.reflect.Method;

/**
 * A Ganymed-family app (Trilead SSH-2, Jenkins' fork of it, Ganymed SSH-2) as Jenkins' SSH agents launcher writes one,
 * minus its timeouts: {@code connect()} with none, a key file, then either a command ({@code COMMAND}: read stdout to
 * the end, {@code waitForCondition(EXIT_STATUS | CLOSED, 0)}, the exit status) or, with {@code idle}, a {@code cat}
 * whose stdout the app reads and which prints nothing (a session waiting on its peer). The libraries share this API
 * under two package names, so the one app calls it through whichever package is on its class path.
 */
public final class Ssh2Exec {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "COMMAND|idle");
        Result result = new Result("Ssh2Exec");
        try {
            String pkg = onClassPath("com.trilead.ssh2.Connection") ? "com.trilead.ssh2" : "ch.ethz.ssh2";
            Class<?> connectionType = Class.forName(pkg + ".Connection");
            result.phase("connect");
            Object c = connectionType.getConstructor(String.class, int.class).newInstance(t.host, t.port);
            call(c, "connect");
            Object ok = connectionType.getMethod("authenticateWithPublicKey", String.class, File.class, String.class)
                    .invoke(c, t.user, new File(t.identity), null);
            if (!Boolean.TRUE.equals(ok)) {
                throw new IllegalStateException("authentication failed");
            }
            Result.ready("connected");
            Object s = call(c, "openSession");
            boolean idle = t.rest[0].equals("idle");
            s.getClass().getMethod("execCommand", String.class).invoke(s, idle ? "cat" : t.rest[0]);
            result.phase("exec");
            Result.ready(idle ? "idle" : "exec");
            InputStream in = (InputStream) call(s, "getStdout");
            StringBuilder out = new StringBuilder();
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.append(new String(buf, 0, n, "UTF-8"));
            }
            Class<?> conditions = Class.forName(pkg + ".ChannelCondition");
            int wanted = conditions.getField("EXIT_STATUS").getInt(null) | conditions.getField("CLOSED").getInt(null);
            Object cond = s.getClass().getMethod("waitForCondition", int.class, long.class).invoke(s, wanted, 0L);
            result.endPhase();
            Integer exit = (Integer) call(s, "getExitStatus");
            call(s, "close");
            call(c, "close");
            result.with("lib", pkg).with("exit", exit).with("conditions", cond).with("out", out.toString().trim())
                    .finish(exit != null && exit == 0 ? "ok" : "failed");
        } catch (java.lang.reflect.InvocationTargetException e) {
            result.fail(e.getCause());
        } catch (Throwable e) {
            result.fail(e);
        }
    }

    private static boolean onClassPath(String name) {
        try {
            Class.forName(name);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static Object call(Object target, String method) throws Exception {
        Method m = target.getClass().getMethod(method);
        return m.invoke(target);
    }
}
