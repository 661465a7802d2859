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
        return connect(newClient(), t, result);
    }

    /** The same without phases (many connections, one {@code Result}). */
    static SSHClient connect(Target t) throws Exception {
        return connect(newClient(), t, null);
    }

    /** A client with host keys accepted, not yet connected: for an app that sets something first (a socket factory). */
    static SSHClient newClient() {
        SSHClient ssh = new SSHClient();
        ssh.addHostKeyVerifier(new PromiscuousVerifier());
        return ssh;
    }

    /** Connects and authenticates {@code ssh}; {@code result} may be null. */
    static SSHClient connect(SSHClient ssh, Target t, Result result) throws Exception {
        if (result != null) {
            result.phase("connect");
        }
        ssh.connect(t.host, t.port);
        ssh.authPublickey(t.user, ssh.loadKeys(t.identity));
        if (result != null) {
            result.phase("session");
        }
        return ssh;
    }
}
