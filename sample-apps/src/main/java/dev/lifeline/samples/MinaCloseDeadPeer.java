package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A graceful close on a vanished peer: {@code CHANNELS} exec channels to {@code cat > /dev/null}; on the line
 * {@code close} on stdin (sent once the test has cut the cable) writers start streaming into them
 * ({@link StuckWriters}); once they stall (out of window) the app calls {@code session.close(false).await()} with no
 * timeout. A graceful close first flushes what is queued, and nothing drains towards a dead peer. Reports {@code close_ms}, and what a test needs to know that only a close
 * deadline can have ended that close: {@code open_before_close} (the session and all its channels were still open when
 * the close began) and {@code session_error}, the first error MINA itself failed the session with ({@code none}). A
 * MINA heartbeat awaiting its reply from the cut peer is one: MINA fails it when the close begins and turns the
 * graceful close into an immediate one, which then returns at once.
 */
public final class MinaCloseDeadPeer {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "CHANNELS");
        int channels = Integer.parseInt(t.rest[0]);
        Result result = new Result("MinaCloseDeadPeer");
        try {
            SshClient client = MinaClients.start(t);
            final AtomicReference<String> sessionError = new AtomicReference<String>("none");
            // on the client: a session clears its own listeners when its close begins
            client.addSessionListener(new SessionListener() {
                @Override
                public void sessionException(Session session, Throwable error) {
                    sessionError.compareAndSet("none", error.getClass().getSimpleName() + ": " + error.getMessage());
                }
            });
            result.phase("connect");
            ClientSession session = MinaClients.session(client, t);
            List<ChannelExec> opened = new ArrayList<ChannelExec>();
            List<OutputStream> streams = new ArrayList<OutputStream>();
            for (int i = 0; i < channels; i++) {
                ChannelExec channel = session.createExecChannel("cat > /dev/null");
                channel.setOut(new ByteArrayOutputStream());
                channel.setErr(new ByteArrayOutputStream());
                channel.open().verify();
                opened.add(channel);
                streams.add(channel.getInvertedIn());
            }
            StuckWriters writers = new StuckWriters(streams, true);
            result.phase("wait");
            Result.ready("channels");
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (!"close".equals(stdin.readLine())) {
                // wait for the trigger
            }
            writers.start().awaitStall();
            result.with("written_mb", writers.writtenMb());
            Result.ready("stalled");
            boolean open = session.isOpen();
            for (ChannelExec c : opened) {
                open &= c.isOpen();
            }
            result.with("open_before_close", open);
            result.phase("close");
            session.close(false).await();
            result.endPhase().with("closed", session.isClosed()).with("session_error", sessionError.get()).finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
