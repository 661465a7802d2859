package dev.lifeline.samples;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.Session;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An uploader whose peer vanishes: {@code CHANNELS} exec channels to {@code cat > /dev/null}; on the line
 * {@code disconnect} on stdin (sent once the test has cut the cable) writers start streaming into them (see
 * {@link StuckWriters}); once they stall it calls
 * {@code session.disconnect()} with no timeout, as an app's shutdown hook would. A stalled writer holds JSch's session
 * write lock inside a socket write, so disconnect blocks on that lock. That needs more SSH window open than the
 * kernel's buffers hold (client send buffer up to 4 MB, server receive buffer up to 32 MB on Linux; OpenSSH opens
 * 2 MB per channel), else the writers only wait for window and disconnect goes through: tests use 32 channels.
 * Reports {@code disconnect_ms}, {@code in_socket_write}, the writers stuck in the kernel when disconnect began, and
 * {@code open_before_close} (still connected then).
 */
public final class JschDisconnectDeadPeer {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "CHANNELS");
        int channels = Integer.parseInt(t.rest[0]);
        Result result = new Result("JschDisconnectDeadPeer");
        try {
            Session session = JschClients.connect(t, result);
            List<OutputStream> streams = new ArrayList<OutputStream>();
            for (int i = 0; i < channels; i++) {
                ChannelExec channel = (ChannelExec) session.openChannel("exec");
                channel.setCommand("cat > /dev/null");
                streams.add(channel.getOutputStream());
                channel.connect();
            }
            StuckWriters writers = new StuckWriters(streams, false);
            Result.ready("channels");
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (!"disconnect".equals(stdin.readLine())) {
                // wait for the trigger
            }
            writers.start().awaitStall();
            int stuck = writers.inSocketWrite();
            result.with("written_mb", writers.writtenMb()).with("in_socket_write", stuck)
                    .with("open_before_close", session.isConnected());
            Result.ready("stalled in_socket_write=" + stuck);
            result.phase("disconnect");
            session.disconnect();
            result.endPhase().finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
