package dev.lifeline.samples;

import net.schmizz.sshj.SSHClient;

/** Connects and authenticates with no connect timeout, then disconnects; a failure reports {@code connect_ms}. */
public final class SshjConnect {
    public static void main(String[] args) {
        Target t = Target.parse(args, 0, "");
        Result result = new Result("SshjConnect");
        try {
            SSHClient ssh = SshjClients.connect(t, result);
            result.with("authenticated", ssh.isAuthenticated());
            ssh.disconnect();
            result.finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
