package dev.lifeline.samples;

import net.schmizz.sshj.SSHClient;

/** {@code SECONDS COMMAND}: {@link TrafficLoop} on one sshj connection. */
public final class SshjRekeyTraffic {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "SECONDS COMMAND");
        Result result = new Result("SshjRekeyTraffic");
        try {
            SSHClient ssh = TrafficLoop.connect(result, () -> SshjClients.connect(t, result));
            result.endPhase();
            TrafficLoop.run(result, Long.parseLong(t.rest[0]), () -> SshjExecThroughput.runOnce(ssh, t.rest[1]));
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
