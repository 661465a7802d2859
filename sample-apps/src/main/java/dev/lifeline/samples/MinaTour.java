package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;

import java.io.ByteArrayOutputStream;
import java.nio.file.Paths;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The topology tour with Apache MINA SSHD (see {@link JschTour}): no timeout anywhere, as a legacy app. */
public final class MinaTour {
    private MinaTour() {
    }

    public static Map<String, String> run(String[] args) throws Exception {
        Map<String, String> out = TourSupport.fields(MinaTour.class, SshClient.class);
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.setKeyIdentityProvider(new FileKeyPairProvider(Paths.get(args[3])));
        client.start();
        try {
            long t0 = System.nanoTime();
            try {
                ClientSession s = client.connect(args[2], TourSupport.silentHost(args[0], args[4]), TourSupport.silentPort(args[4])).verify().getSession();
                s.auth().verify();
                out.put("silent_connect", "connected");
            } catch (Exception e) {
                out.put("silent_connect", e.getClass().getName());
            }
            out.put("silent_connect_ms", String.valueOf((System.nanoTime() - t0) / 1000000L));
            ClientSession session = client.connect(args[2], args[0], Integer.parseInt(args[1])).verify().getSession();
            session.auth().verify();
            if (args.length > 5) {
                exec(session, args[5], out);
            }
            ChannelShell shell = session.createShellChannel();
            shell.setOut(new ByteArrayOutputStream());
            shell.setErr(new ByteArrayOutputStream());
            shell.open().verify();
            TourSupport.ready("idle");
            long idle = System.nanoTime();
            Set<ClientChannelEvent> events = shell.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), 0L);
            TourSupport.ready("ended"); // before anything slower: the test times the dead peer to this line
            out.put("idle_ms", String.valueOf((System.nanoTime() - idle) / 1000000L));
            out.put("connected_after", String.valueOf(session.isOpen()));
            out.put("events", events.toString().replace(" ", ""));
        } finally {
            client.stop();
        }
        return out;
    }

    /** Runs {@code command} as {@code MinaExec} does: wait for the channel to close, no timeout. */
    private static void exec(ClientSession session, String command, Map<String, String> out) throws Exception {
        long t0 = System.nanoTime();
        ChannelExec exec = session.createExecChannel(command);
        exec.setOut(new ByteArrayOutputStream());
        exec.setErr(new ByteArrayOutputStream());
        exec.open().verify();
        exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), 0L);
        TourSupport.exec(out, t0, String.valueOf(exec.getExitStatus()));
        exec.close(false);
    }
}
