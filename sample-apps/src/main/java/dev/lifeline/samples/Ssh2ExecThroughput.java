package dev.lifeline.samples;

import java.io.InputStream;
import java.lang.reflect.Method;

/**
 * {@link JschExecThroughput} for the Ganymed family (Trilead SSH-2, Jenkins' fork, Ganymed SSH-2): {@code COUNT COMMAND}
 * sequential exec round trips on one connection, each as {@link Ssh2Exec} runs one ({@code openSession},
 * {@code execCommand}, stdout read to EOF, {@code waitForCondition(EXIT_STATUS | CLOSED, 0)}, exit status,
 * {@code close}), timed after {@code -Dsample.warmup=N} (default 200) untimed ones. {@code -Dsample.nodelay=true}:
 * {@code Connection.setTCPNoDelay(true)}, the family's own switch. The library's methods are looked up once, before the
 * loop, so the loop times the library (and the agent), not reflection's look-ups. Reports {@code loop_us},
 * {@code cpu_us} (process CPU time over the timed loop), {@code ok}, {@code failed}.
 */
public final class Ssh2ExecThroughput {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "COUNT COMMAND");
        int count = Integer.parseInt(t.rest[0]);
        String command = t.rest[1];
        Result result = new Result("Ssh2ExecThroughput");
        try {
            Object c = Ssh2Clients.connect(t, result, Boolean.getBoolean("sample.nodelay"));
            result.endPhase();
            Calls calls = new Calls(c);
            int warmup = Integer.getInteger("sample.warmup", 200);
            for (int i = 0; i < warmup; i++) {
                calls.runOnce(command);
            }
            Result.ready("warm");
            int ok = 0;
            int failed = 0;
            long cpu0 = Result.processCpuMicros();
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                Integer exit = calls.runOnce(command);
                if (exit != null && exit == 0) {
                    ok++;
                } else {
                    failed++;
                }
            }
            long loopMicros = (System.nanoTime() - t0) / 1000L;
            long cpuMicros = Result.processCpuMicros() - cpu0;
            Ssh2Clients.call(c, "close");
            result.with("lib", Ssh2Clients.pkg()).with("count", count).with("ok", ok).with("failed", failed)
                    .with("loop_us", loopMicros).with("cpu_us", cpuMicros).finish(failed == 0 ? "ok" : "failed");
        } catch (Throwable e) {
            result.fail(e instanceof java.lang.reflect.InvocationTargetException ? e.getCause() : e);
        }
    }

    /** The family's methods, looked up once (the two packages share one API). */
    static final class Calls {
        final Object connection;
        final Method openSession;
        final Method execCommand;
        final Method getStdout;
        final Method waitForCondition;
        final Method getExitStatus;
        final Method close;
        final int wanted;
        final byte[] buf = new byte[4096];

        Calls(Object connection) throws Exception {
            this.connection = connection;
            openSession = connection.getClass().getMethod("openSession");
            Class<?> session = Class.forName(Ssh2Clients.pkg() + ".Session");
            execCommand = session.getMethod("execCommand", String.class);
            getStdout = session.getMethod("getStdout");
            waitForCondition = session.getMethod("waitForCondition", int.class, long.class);
            getExitStatus = session.getMethod("getExitStatus");
            close = session.getMethod("close");
            Class<?> conditions = Class.forName(Ssh2Clients.pkg() + ".ChannelCondition");
            wanted = conditions.getField("EXIT_STATUS").getInt(null) | conditions.getField("CLOSED").getInt(null);
        }

        Integer runOnce(String command) throws Exception {
            Object s = openSession.invoke(connection);
            try {
                execCommand.invoke(s, command);
                InputStream in = (InputStream) getStdout.invoke(s);
                while (in.read(buf) >= 0) {
                    // stdout to EOF, as Ssh2Exec reads it
                }
                waitForCondition.invoke(s, wanted, 0L);
                return (Integer) getExitStatus.invoke(s);
            } finally {
                close.invoke(s);
            }
        }
    }
}
