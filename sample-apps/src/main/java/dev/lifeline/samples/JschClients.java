package dev.lifeline.samples;

import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;

/** How a legacy JSch app connects: key file, host-key checking off, no timeout, no keepalive. */
final class JschClients {
    private JschClients() {
    }

    static Session newSession(Target t) throws JSchException {
        JSch jsch = new JSch();
        jsch.addIdentity(t.identity);
        Session session = jsch.getSession(t.user, t.host, t.port);
        session.setConfig("StrictHostKeyChecking", "no");
        return session;
    }

    /** {@code connect()} as the app wrote it, with the time spent in it reported on failure as {@code connect_ms}. */
    static Session connect(Target t, Result result) throws JSchException {
        Session session = newSession(t);
        result.phase("connect");
        session.connect();
        result.phase("session");
        return session;
    }
}
