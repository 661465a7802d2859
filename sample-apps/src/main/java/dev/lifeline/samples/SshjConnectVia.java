package dev.lifeline.samples;

import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.DirectConnection;
import net.schmizz.sshj.connection.channel.direct.Session;

/**
 * A jump host, as sshj 0.40 does it: connects and authenticates to the target ({@code HOST PORT}, the jump host), opens
 * a direct-tcpip channel from it to {@code TUNNEL_HOST TUNNEL_PORT} and runs a second {@code SSHClient} in that channel
 * ({@code connectVia}), with the same user and key; no timeout set, as a legacy app. A failure reports
 * {@code connect_ms} (the tunnelled connect and authentication); afterwards the jump connection runs {@code echo jump}
 * to show whether it survived ({@code jump_after}).
 */
public final class SshjConnectVia {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "TUNNEL_HOST TUNNEL_PORT [idle]");
        Result result = new Result("SshjConnectVia");
        SSHClient jump = null;
        try {
            jump = SshjClients.connect(t, null);
            DirectConnection tunnel = jump.newDirectConnection(t.rest[0], Integer.parseInt(t.rest[1]));
            SSHClient inner = SshjClients.newClient();
            result.phase("connect");
            Result.ready("connectVia");
            try {
                inner.connectVia(tunnel);
                inner.authPublickey(t.user, inner.loadKeys(t.identity));
                result.endPhase();
                if (t.rest.length > 2 && t.rest[2].equals("idle")) {
                    idle(inner, result); // the jump connection may be as dead as the tunnelled one: not asked again
                    return;
                }
                inner.disconnect();
                result.with("jump_after", echo(jump)).finish("ok");
            } catch (Throwable e) {
                result.with("jump_after", echo(jump));
                result.fail(e);
            }
        } catch (Throwable e) {
            result.fail(e);
        }
    }

    /** As {@link SshjIdleShell}, in the tunnelled connection: reports {@code idle_ms}. */
    private static void idle(SSHClient inner, Result result) {
        try {
            Session session = inner.startSession();
            java.io.InputStream in = session.startShell().getInputStream();
            Result.ready("idle");
            result.phase("idle");
            while (in.read() >= 0) {
                // the shell prints nothing
            }
            result.endPhase().finish("closed");
        } catch (Throwable e) {
            result.fail(e); // not the jump connection's echo: it may be cut too
        }
    }

    private static String echo(SSHClient jump) {
        try (Session s = jump.startSession()) {
            Session.Command c = s.exec("echo jump");
            String out = net.schmizz.sshj.common.IOUtils.readFully(c.getInputStream()).toString().trim();
            c.join();
            return out;
        } catch (Throwable e) {
            return "failed:" + e.getClass().getSimpleName();
        }
    }
}
