package dev.lifeline.samples;

import com.jcraft.jsch.Channel;
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.Session;

import java.io.InputStream;
import java.util.Map;

/**
 * The topology tour with JSch ({@link TopologyApps}): a connect to a listener that never greets, then a session with an
 * idle shell until the peer is gone. Self-contained (JSch and the JDK only), so that it can be copied into a webapp or
 * a module and loaded beside the library there.
 */
public final class JschTour {
    private JschTour() {
    }

    /** {@code HOST PORT USER IDENTITY [SILENT_HOST:]SILENT_PORT [COMMAND]}; see {@link TourSupport}. */
    public static Map<String, String> run(String[] args) throws Exception {
        Map<String, String> out = TourSupport.fields(JschTour.class, JSch.class);
        long t0 = System.nanoTime();
        if (!"-".equals(args[4])) { // "-": no silent listener
            try {
                session(args, TourSupport.silentHost(args[0], args[4]), TourSupport.silentPort(args[4])).connect(); // no timeout of the app's own
                out.put("silent_connect", "connected");
            } catch (Exception e) {
                out.put("silent_connect", e.getClass().getName());
            }
            out.put("silent_connect_ms", String.valueOf((System.nanoTime() - t0) / 1000000L));
        }
        Session session = session(args, args[0], Integer.parseInt(args[1]));
        session.connect();
        out.put("interval", String.valueOf(session.getServerAliveInterval()));
        if (args.length > 5) {
            exec(session, args[5], out);
        }
        Channel shell = session.openChannel("shell");
        InputStream in = shell.getInputStream();
        shell.connect();
        TourSupport.ready("idle");
        long idle = System.nanoTime();
        while (in.read() >= 0) {
            // the shell prints nothing
        }
        TourSupport.ready("ended"); // before anything slower: the test times the dead peer to this line
        out.put("idle_ms", String.valueOf((System.nanoTime() - idle) / 1000000L));
        out.put("connected_after", String.valueOf(session.isConnected()));
        session.disconnect();
        return out;
    }

    /** Runs {@code command} on the session as {@code JschExec} does (poll {@code isClosed()}, no timeout). */
    private static void exec(Session session, String command, Map<String, String> out) throws Exception {
        long t0 = System.nanoTime();
        ChannelExec exec = (ChannelExec) session.openChannel("exec");
        exec.setCommand(command);
        InputStream in = exec.getInputStream();
        exec.connect();
        byte[] buf = new byte[4096];
        while (!exec.isClosed() || in.available() > 0) {
            while (in.available() > 0 && in.read(buf) >= 0) {
                // the command prints nothing
            }
            Thread.sleep(50);
        }
        TourSupport.exec(out, t0, String.valueOf(exec.getExitStatus()));
        exec.disconnect();
    }

    private static Session session(String[] args, String host, int port) throws Exception {
        JSch jsch = new JSch();
        jsch.addIdentity(args[3]);
        Session session = jsch.getSession(args[2], host, port);
        session.setConfig("StrictHostKeyChecking", "no");
        return session;
    }
}
