package dev.lifeline.samples;

import com.jcraft.jsch.Session;

/**
 * A local port forward as a legacy JSch app sets one up: {@code setPortForwardingL} to TARGET_HOST:TARGET_PORT on a
 * free loopback port, printed as {@code READY forward port=N}; then it only waits (the clients are the test's). No
 * keepalive, no timeout: a forwarded connection to a silent target, or a dead session, are the app's to notice.
 */
public final class JschLocalForward {
    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "TARGET_HOST TARGET_PORT");
        Result result = new Result("JschLocalForward");
        try {
            Session session = JschClients.connect(t, result);
            int port = session.setPortForwardingL("127.0.0.1", 0, t.rest[0], Integer.parseInt(t.rest[1]));
            SessionsOnStdin.startIfAsked();
            Result.ready("forward port=" + port);
            while (true) {
                Thread.sleep(60_000);
            }
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
