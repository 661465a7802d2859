package dev.lifeline.samples;

import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.transport.verification.PromiscuousVerifier;

/**
 * How a legacy sshj app connects: {@code new SSHClient()}, host keys accepted, a key file, and nothing else: no
 * {@code setConnectTimeout}, {@code setTimeout} or keepalive ({@code getConnection().getKeepAlive()} stays at 0).
 * sshj's own defaults still apply: 30 s for each transport/connection wait it makes with a timeout (kex, channel open,
 * each SFTP request), none for a socket connect, a stream read or {@code Command.join()}.
 */
final class SshjClients {
    private SshjClients() {
    }

    static SSHClient connect(Target t, Result result) throws Exception {
        SSHClient ssh = new SSHClient();
        ssh.addHostKeyVerifier(new PromiscuousVerifier());
        result.phase("connect");
        ssh.connect(t.host, t.port);
        ssh.authPublickey(t.user, ssh.loadKeys(t.identity));
        result.phase("session");
        return ssh;
    }
}
