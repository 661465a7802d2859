package dev.lifeline.samples;

import net.schmizz.sshj.SSHClient;

/**
 * {@link JschExecLoop} for sshj, sequential: {@code COUNT COMMAND} execs on one connection, each as
 * {@link SshjExecThroughput} runs one, with Lifeline's gauges (watched channels, pending deadlines, heap after GC)
 * before and after. {@code -Dsample.nodelay=true}: {@code TCP_NODELAY} on the client socket.
 */
public final class SshjExecLoop {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "COUNT COMMAND");
        int count = Integer.parseInt(t.rest[0]);
        String command = t.rest[1];
        Result result = new Result("SshjExecLoop");
        try {
            SSHClient ssh = SshjClients.newClient();
            if (Boolean.getBoolean("sample.nodelay")) {
                ssh.setSocketFactory(new SshjExecThroughput.NoDelaySocketFactory());
            }
            SshjClients.connect(ssh, t, result);
            result.endPhase();
            SshjExecThroughput.runOnce(ssh, command);
            AgentProbe.report(result, "before");
            int ok = 0;
            int failed = 0;
            for (int i = 0; i < count; i++) {
                Integer exit = SshjExecThroughput.runOnce(ssh, command);
                if (exit != null && exit == 0) {
                    ok++;
                } else {
                    failed++;
                }
            }
            ssh.disconnect();
            AgentProbe.report(result, "after");
            result.with("ok", ok).with("failed", failed).finish(failed == 0 ? "ok" : "failed");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
