package dev.lifeline.samples;

import java.io.InputStream;
import java.util.Map;

/**
 * The topology tour with the Ganymed family ({@link TopologyApps} {@code trilead}): with {@code -Dsample.execCommand},
 * first a command on its own connection, read to EOF then {@code waitForCondition(EXIT_STATUS | CLOSED, 0)} (an exec
 * deadline ends it: {@code exec_ms}, {@code exec_exit}, {@code exec_end}); then a connection with an idle shell until
 * the peer is gone (a shell: an exec deadline would end an idle {@code cat}). The silent connect of the other tours
 * when SILENT_PORT is not {@code -}. The library through {@link Ssh2Clients} (whichever package is on the class path),
 * so the tour is the JDK, the library and these sample classes, loaded beside the library.
 */
public final class Ssh2Tour {
    private Ssh2Tour() {
    }

    /** {@code HOST PORT USER IDENTITY [SILENT_HOST:]SILENT_PORT}; see {@link TourSupport}. */
    public static Map<String, String> run(String[] args) throws Exception {
        Map<String, String> out = TourSupport.fields(Ssh2Tour.class, Class.forName(Ssh2Clients.pkg() + ".Connection"));
        Target t = Target.parse(args, 1, "SILENT_PORT|-");
        if (!"-".equals(t.rest[0])) {
            long t0 = System.nanoTime();
            try {
                Ssh2Clients.connect(Target.parse(new String[]{TourSupport.silentHost(t.host, t.rest[0]),
                        String.valueOf(TourSupport.silentPort(t.rest[0])), t.user, t.identity}, 0, ""), new Result("silent"));
                out.put("silent_connect", "connected");
            } catch (Exception e) {
                out.put("silent_connect", e.getClass().getName());
            }
            out.put("silent_connect_ms", String.valueOf((System.nanoTime() - t0) / 1000000L));
        }
        String command = System.getProperty("sample.execCommand");
        if (command != null) {
            exec(t, command, out);
        }
        Object c = Ssh2Clients.connect(t, new Result("idle"));
        Object shell = Ssh2Clients.call(c, "openSession");
        Ssh2Clients.call(shell, "startShell");
        InputStream in = (InputStream) Ssh2Clients.call(shell, "getStdout");
        TourSupport.ready("idle");
        long idle = System.nanoTime();
        try {
            while (in.read() >= 0) {
                // the shell prints nothing
            }
            out.put("idle_end", "eof");
        } catch (Exception e) {
            out.put("idle_end", e.getClass().getName());
        }
        TourSupport.ready("ended"); // before anything slower: the test times the dead peer to this line
        out.put("idle_ms", String.valueOf((System.nanoTime() - idle) / 1000000L));
        Ssh2Clients.call(c, "close");
        return out;
    }

    /** As {@link Ssh2Exec}: stdout to EOF, the wait for the exit status or close, the exit status. */
    private static void exec(Target t, String command, Map<String, String> out) throws Exception {
        Object c = Ssh2Clients.connect(t, new Result("exec"));
        long t0 = System.nanoTime();
        try {
            Object s = Ssh2Clients.exec(c, command);
            InputStream in = (InputStream) Ssh2Clients.call(s, "getStdout");
            while (in.read() >= 0) {
                // sleep prints nothing
            }
            Class<?> conditions = Class.forName(Ssh2Clients.pkg() + ".ChannelCondition");
            int wanted = conditions.getField("EXIT_STATUS").getInt(null) | conditions.getField("CLOSED").getInt(null);
            s.getClass().getMethod("waitForCondition", int.class, long.class).invoke(s, wanted, 0L);
            out.put("exec_exit", String.valueOf(Ssh2Clients.call(s, "getExitStatus")));
            out.put("exec_end", "returned");
        } catch (Exception e) {
            out.put("exec_end", (e instanceof java.lang.reflect.InvocationTargetException ? e.getCause() : e).getClass().getName());
        }
        out.put("exec_ms", String.valueOf((System.nanoTime() - t0) / 1000000L));
        Ssh2Clients.call(c, "close");
    }
}
