package dev.lifeline.samples;

import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.IOUtils;
import net.schmizz.sshj.connection.channel.direct.Session;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * {@link JschExecThroughput} for sshj: {@code COUNT COMMAND} sequential exec round trips on one connection, each as
 * {@link SshjExec} runs one ({@code startSession}, {@code exec}, stdout read to EOF, {@code join()}, exit status,
 * {@code close}), timed after {@code -Dsample.warmup=N} (default 200) untimed ones. {@code -Dsample.nodelay=true}:
 * {@code TCP_NODELAY} on the client socket (through a {@code javax.net.SocketFactory}, sshj's own hook). No keepalive
 * or timeout set, as {@link SshjClients}. Reports {@code loop_us}, {@code cpu_us} (process CPU time over the timed loop),
 * {@code ok}, {@code failed}.
 */
public final class SshjExecThroughput {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "COUNT COMMAND");
        int count = Integer.parseInt(t.rest[0]);
        String command = t.rest[1];
        Result result = new Result("SshjExecThroughput");
        try {
            SSHClient ssh = SshjClients.newClient();
            if (Boolean.getBoolean("sample.nodelay")) {
                ssh.setSocketFactory(new NoDelaySocketFactory());
            }
            SshjClients.connect(ssh, t, result);
            result.endPhase();
            int warmup = Integer.getInteger("sample.warmup", 200);
            for (int i = 0; i < warmup; i++) {
                runOnce(ssh, command);
            }
            Result.ready("warm");
            int ok = 0;
            int failed = 0;
            long cpu0 = Result.processCpuMicros();
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                Integer exit = runOnce(ssh, command);
                if (exit != null && exit == 0) {
                    ok++;
                } else {
                    failed++;
                }
            }
            long loopMicros = (System.nanoTime() - t0) / 1000L;
            long cpuMicros = Result.processCpuMicros() - cpu0;
            ssh.disconnect();
            result.with("count", count).with("ok", ok).with("failed", failed).with("loop_us", loopMicros).with("cpu_us", cpuMicros)
                    .finish(failed == 0 ? "ok" : "failed");
        } catch (Throwable e) {
            result.fail(e);
        }
    }

    /** One exec as sshj's README runs it (minus the timeout): stdout to EOF, {@code join()}, exit status. */
    static Integer runOnce(SSHClient ssh, String command) throws Exception {
        Session session = ssh.startSession();
        try {
            Session.Command cmd = session.exec(command);
            IOUtils.readFully(cmd.getInputStream());
            cmd.join();
            return cmd.getExitStatus();
        } finally {
            session.close();
        }
    }

    /** sshj connects with {@code createSocket()} then {@code Socket.connect}: the option is set before the connect. */
    static final class NoDelaySocketFactory extends SocketFactory {
        private static Socket noDelay(Socket s) throws IOException {
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public Socket createSocket() throws IOException {
            return noDelay(new Socket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(new Socket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return noDelay(new Socket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(new Socket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return noDelay(new Socket(address, port, localAddress, localPort));
        }
    }
}
