package dev.lifeline.samples;

import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A close on a vanished peer, as {@link MinaCloseDeadPeer} for sshj: {@code CHANNELS} exec channels to
 * {@code cat > /dev/null}; on the line {@code close} on stdin (sent once the test cut the cable) writers start streaming
 * into them ({@link StuckWriters}); once they stall (stuck in the socket write, holding sshj's transport write lock)
 * it calls {@code ssh.disconnect()}, which sends SSH_MSG_DISCONNECT through the same lock. Reports {@code close_ms},
 * {@code in_socket_write} (writers only waiting for window hold no lock, and disconnect would go through) and
 * {@code open_before_close}.
 */
public final class SshjCloseDeadPeer {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "CHANNELS");
        int channels = Integer.parseInt(t.rest[0]);
        Result result = new Result("SshjCloseDeadPeer");
        try {
            final SSHClient ssh = SshjClients.connect(t, result);
            List<OutputStream> streams = new ArrayList<OutputStream>();
            for (int i = 0; i < channels; i++) {
                Session session = ssh.startSession();
                Session.Command cmd = session.exec("cat > /dev/null");
                streams.add(cmd.getOutputStream());
            }
            StuckWriters writers = new StuckWriters(streams, true);
            result.phase("wait");
            Result.ready("channels");
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = stdin.readLine()) != null && !"close".equals(line)) {
                // wait for the trigger
            }
            writers.start().awaitStall();
            int stuck = writers.inSocketWrite();
            result.with("written_mb", writers.writtenMb()).with("in_socket_write", stuck)
                    .with("open_before_close", ssh.isConnected());
            Result.ready("stalled in_socket_write=" + stuck);
            result.phase("close");
            ssh.disconnect();
            result.endPhase().with("connected", ssh.isConnected()).finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
