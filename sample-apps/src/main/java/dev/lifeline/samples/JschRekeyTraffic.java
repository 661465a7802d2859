package dev.lifeline.samples;

import com.jcraft.jsch.Session;

/** {@code SECONDS COMMAND}: {@link TrafficLoop} on one JSch session (no timeout, no keepalive of its own). */
public final class JschRekeyTraffic {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "SECONDS COMMAND");
        Result result = new Result("JschRekeyTraffic");
        try {
            Session session = TrafficLoop.connect(result, () -> JschClients.connect(t, result));
            result.endPhase();
            TrafficLoop.run(result, Long.parseLong(t.rest[0]), () -> JschExecLoop.runOnce(session, t.rest[1]));
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
