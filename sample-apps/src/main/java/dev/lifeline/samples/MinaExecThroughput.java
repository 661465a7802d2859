package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * {@link JschExecThroughput} for MINA: {@code COUNT COMMAND} sequential exec round trips on one session
 * ({@link MinaExecLoop#runOnce}: open, {@code waitFor(CLOSED)}, exit status), timed after {@code -Dsample.warmup=N}
 * (default 200) untimed ones. {@code -Dsample.nodelay=true}: {@code TCP_NODELAY} on the client. Reports {@code loop_us}, {@code cpu_us} (process CPU time over the timed loop), {@code ok}, {@code failed}.
 */
public final class MinaExecThroughput {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "COUNT COMMAND");
        int count = Integer.parseInt(t.rest[0]);
        String command = t.rest[1];
        Result result = new Result("MinaExecThroughput");
        try {
            SshClient client = MinaClients.start(t);
            if (Boolean.getBoolean("sample.nodelay")) {
                CoreModuleProperties.TCP_NODELAY.set(client, true);
            }
            result.phase("connect");
            ClientSession session = MinaClients.session(client, t);
            result.endPhase();
            int warmup = Integer.getInteger("sample.warmup", 200);
            for (int i = 0; i < warmup; i++) {
                MinaExecLoop.runOnce(session, command);
            }
            Result.ready("warm");
            int ok = 0;
            int failed = 0;
            long cpu0 = Result.processCpuMicros();
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                Integer exit = MinaExecLoop.runOnce(session, command);
                if (exit != null && exit == 0) {
                    ok++;
                } else {
                    failed++;
                }
            }
            long loopMicros = (System.nanoTime() - t0) / 1000L;
            long cpuMicros = Result.processCpuMicros() - cpu0;
            session.close(false).await();
            client.stop();
            result.with("count", count).with("ok", ok).with("failed", failed).with("loop_us", loopMicros).with("cpu_us", cpuMicros)
                    .finish(failed == 0 ? "ok" : "failed");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
