package dev.lifeline.samples;

import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.AcceptAllPublickeyAuthenticator;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.shell.InteractiveProcessShellFactory;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;

/**
 * An Apache MINA SSH server on a free loopback port: real {@code sh -c} exec, a shell, SFTP, any public key.
 * The demo runs against it, so a machine without sshd can still see Lifeline work.
 */
public final class EmbeddedSshServer implements AutoCloseable {
    private final SshServer server;

    private EmbeddedSshServer(SshServer server) {
        this.server = server;
    }

    public static EmbeddedSshServer start(Path workDir) throws IOException {
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        SimpleGeneratorHostKeyProvider hostKeys = new SimpleGeneratorHostKeyProvider(workDir.resolve("mina-hostkey.ser"));
        hostKeys.setAlgorithm("RSA"); // RSA: the one host key type jcraft 0.1.55 can verify
        sshd.setKeyPairProvider(hostKeys);
        sshd.setPublickeyAuthenticator(AcceptAllPublickeyAuthenticator.INSTANCE);
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setCommandFactory(ProcessShellCommandFactory.INSTANCE);
        sshd.setShellFactory(InteractiveProcessShellFactory.INSTANCE);
        sshd.setSubsystemFactories(Collections.singletonList(new SftpSubsystemFactory()));
        sshd.start();
        return new EmbeddedSshServer(sshd);
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
