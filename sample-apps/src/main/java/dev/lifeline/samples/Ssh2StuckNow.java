package dev.lifeline.samples;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * {@link JschStuckNow} on the Ganymed family ({@link Ssh2Clients}: Trilead, Jenkins' fork, Ganymed): a thread blocked
 * reading an idle shell, and an exec of {@code sleep 30000} waited on by the method that started it
 * ({@link Ssh2ExecWaiter}, as the family's own examples are written), or with {@code -D}{@value #CONNECTION_EXEC}
 * {@code =true} run by Jenkins' {@code Connection.exec(String, OutputStream)}, whose output is read by pump threads
 * that the method joins (the SSH Build Agents plugin's way).
 */
public final class Ssh2StuckNow {
    static final String CONNECTION_EXEC = "samples.connectionExec";

    /**
     * Jenkins' fork only: {@code connection.exec(command, out)}, {@code started} counted down once its pump threads
     * run (the exec has started by then): its exit status, as it returns it.
     */
    private static Object connectionExec(Object connection, String command, CountDownLatch started) throws Exception {
        Samples.daemon("pump-watch", () -> {
            // the pump threads start after execCommand returned: the exec is open when one of them is alive
            while (started.getCount() > 0
                    && Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("pump thread"))) {
                Samples.pause(20);
            }
            started.countDown();
        });
        try {
            return connection.getClass().getMethod("exec", String.class, java.io.OutputStream.class)
                    .invoke(connection, command, new java.io.ByteArrayOutputStream());
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        } finally {
            started.countDown(); // ended before its pumps were seen: the watch stops (the app says how it ended)
        }
    }
    public static void main(String[] args) throws Exception {
        Target cut = Target.parse(args, 4, "HOST PORT USER IDENTITY (healthy)");
        Target healthy = Target.parse(cut.rest, 0, "");
        Result result = new Result("Ssh2StuckNow");
        Object stuck = Ssh2Clients.connect(cut, result);
        Object shell = Ssh2Clients.call(stuck, "openSession");
        Ssh2Clients.call(shell, "startShell");
        InputStream in = (InputStream) Ssh2Clients.call(shell, "getStdout");
        Samples.daemon("stuck-reader", () -> {
            long start = System.nanoTime();
            try {
                while (in.read() >= 0) {
                    // the shell prints nothing
                }
                Samples.event("woke reader=stuck-reader after_ms=" + (System.nanoTime() - start) / 1_000_000L + " how=eof");
            } catch (Exception e) {
                Samples.event("woke reader=stuck-reader after_ms=" + (System.nanoTime() - start) / 1_000_000L + " how=" + e);
            }
        });
        Object good = Ssh2Clients.connect(healthy, result);
        String command = healthy.rest.length > 0 ? healthy.rest[0] : "sleep 30000";
        CountDownLatch started = new CountDownLatch(1);
        Samples.daemon("exec-waiter", () -> {
            long start = System.nanoTime();
            String exit;
            try {
                exit = String.valueOf(Boolean.getBoolean(CONNECTION_EXEC) ? connectionExec(good, command, started)
                        : Ssh2ExecWaiter.execAndWait(good, command, started));
            } catch (Exception e) {
                exit = "none how=" + e;
            }
            Samples.event("exec-ended after_ms=" + (System.nanoTime() - start) / 1_000_000L + " exit=" + exit);
        });
        started.await();
        Result.ready("all");
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = stdin.readLine()) != null && !line.equals("quit"); ) {
            if (line.equals("run")) {
                try {
                    Object s = Ssh2Clients.exec(good, "echo alive");
                    InputStream out = (InputStream) Ssh2Clients.call(s, "getStdout");
                    StringBuilder text = new StringBuilder();
                    byte[] buf = new byte[256];
                    for (int n; (n = out.read(buf)) >= 0; ) {
                        text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    }
                    Ssh2Clients.call(s, "close");
                    Samples.event("ran output=" + text.toString().trim());
                } catch (Exception e) {
                    Samples.event("ran failed=" + e);
                }
            }
        }
        System.exit(0);
    }
}
