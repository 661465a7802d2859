package dev.lifeline.samples;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SocketFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.locks.LockSupport;

/**
 * Benchmark: {@code COUNT COMMAND} exec round trips, one after another on one session, timed after
 * {@code -Dsample.warmup=N} (default 200) untimed ones. Unlike {@link JschExecLoop} (the JSch example's
 * {@code sleep(5)} poll), each round trip blocks on the stream and polls (20 µs) only for the close, so the figure is the
 * library's (and the agent's) cost, not a poll interval. {@code -Dsample.nodelay=true}: the app's sockets get
 * {@code TCP_NODELAY} (through a JSch {@code SocketFactory}), so a round trip is not held by Nagle and delayed ACKs.
 * Reports {@code loop_us}, {@code cpu_us} (process CPU time over the timed loop), {@code ok}, {@code failed}.
 */
public final class JschExecThroughput {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "COUNT COMMAND");
        int count = Integer.parseInt(t.rest[0]);
        String command = t.rest[1];
        Result result = new Result("JschExecThroughput");
        try {
            Session session = JschClients.newSession(t);
            if (Boolean.getBoolean("sample.nodelay")) {
                session.setSocketFactory(new NoDelaySocketFactory());
            }
            result.phase("connect");
            session.connect();
            result.endPhase();
            int warmup = Integer.getInteger("sample.warmup", 200);
            for (int i = 0; i < warmup; i++) {
                runOnce(session, command);
            }
            Result.ready("warm");
            int ok = 0;
            int failed = 0;
            long cpu0 = Result.processCpuMicros();
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                if (runOnce(session, command) == 0) {
                    ok++;
                } else {
                    failed++;
                }
            }
            long loopMicros = (System.nanoTime() - t0) / 1000L;
            long cpuMicros = Result.processCpuMicros() - cpu0;
            session.disconnect();
            result.with("count", count).with("ok", ok).with("failed", failed).with("loop_us", loopMicros).with("cpu_us", cpuMicros)
                    .finish(failed == 0 ? "ok" : "failed");
        } catch (Throwable e) {
            result.fail(e);
        }
    }

    static final class NoDelaySocketFactory implements SocketFactory {
        @Override
        public Socket createSocket(String host, int port) throws IOException {
            Socket s = new Socket(host, port);
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public InputStream getInputStream(Socket socket) throws IOException {
            return socket.getInputStream();
        }

        @Override
        public OutputStream getOutputStream(Socket socket) throws IOException {
            return socket.getOutputStream();
        }
    }

    /** Exec, read stdout to EOF, then poll every 20 µs until the channel is closed: the exit status is in by then. */
    static int runOnce(Session session, String command) throws Exception {
        ChannelExec channel = (ChannelExec) session.openChannel("exec");
        channel.setCommand(command);
        InputStream in = channel.getInputStream();
        channel.connect();
        byte[] buf = new byte[4096];
        while (in.read(buf) >= 0) {
            // discard
        }
        long giveUp = System.nanoTime() + 10_000_000_000L;
        while (!channel.isClosed() && System.nanoTime() < giveUp) {
            LockSupport.parkNanos(20_000L);
        }
        int exit = channel.getExitStatus();
        channel.disconnect();
        return exit;
    }
}
