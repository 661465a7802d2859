package dev.lifeline.samples;

import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.IOUtils;
import net.schmizz.sshj.connection.channel.direct.Session;
import net.schmizz.sshj.transport.verification.PromiscuousVerifier;

import java.io.InputStream;
import java.util.Map;

/** The topology tour with sshj (see {@link JschTour}): no connect timeout, no keepalive of the app's own. */
public final class SshjTour {
    private SshjTour() {
    }

    public static Map<String, String> run(String[] args) throws Exception {
        Map<String, String> out = TourSupport.fields(SshjTour.class, SSHClient.class);
        long t0 = System.nanoTime();
        if (!"-".equals(args[4])) { // "-": no silent listener
            SSHClient silent = client();
            try {
                silent.connect(TourSupport.silentHost(args[0], args[4]), TourSupport.silentPort(args[4]));
                out.put("silent_connect", "connected");
            } catch (Exception e) {
                out.put("silent_connect", e.getClass().getName());
            } finally {
                silent.close();
            }
            out.put("silent_connect_ms", String.valueOf((System.nanoTime() - t0) / 1000000L));
        }
        SSHClient ssh = client();
        ssh.connect(args[0], Integer.parseInt(args[1]));
        ssh.authPublickey(args[2], ssh.loadKeys(args[3]));
        if (args.length > 5) {
            exec(ssh, args[5], out);
        }
        Session session = ssh.startSession();
        InputStream in = session.startShell().getInputStream();
        TourSupport.ready("idle");
        long idle = System.nanoTime();
        try {
            while (in.read() >= 0) {
                // the shell prints nothing
            }
        } catch (Exception e) {
            out.put("read_ended", e.getClass().getName());
        }
        TourSupport.ready("ended"); // before anything slower: the test times the dead peer to this line
        out.put("idle_ms", String.valueOf((System.nanoTime() - idle) / 1000000L));
        out.put("connected_after", String.valueOf(ssh.isConnected()));
        ssh.close();
        return out;
    }

    /** Runs {@code command} as {@code SshjExec} does (read stdout to the end, {@code join()}), on a session of its own. */
    private static void exec(SSHClient ssh, String command, Map<String, String> out) throws Exception {
        long t0 = System.nanoTime();
        Session session = ssh.startSession();
        Session.Command cmd = session.exec(command);
        IOUtils.readFully(cmd.getInputStream());
        cmd.join();
        TourSupport.exec(out, t0, String.valueOf(cmd.getExitStatus()));
        session.close();
    }

    private static SSHClient client() {
        SSHClient ssh = new SSHClient();
        ssh.addHostKeyVerifier(new PromiscuousVerifier());
        return ssh;
    }
}
