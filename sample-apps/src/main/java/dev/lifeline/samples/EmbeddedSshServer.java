package dev.lifeline.samples;

import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.auth.pubkey.AcceptAllPublickeyAuthenticator;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.shell.InteractiveProcessShellFactory;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Collections;

/**
 * An Apache MINA SSH server on a free loopback port: real {@code sh -c} exec, a shell, SFTP, any public key.
 * The demo runs against it, so a machine without sshd can still see Lifeline work.
 */
public final class EmbeddedSshServer implements AutoCloseable {
    /** A command answered in-process (exit 0, no output): exec round trips without a process spawn per exec. */
    public static final String NOOP = "lifeline-noop";

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
        sshd.setCommandFactory((channel, command) -> NOOP.equals(command)
                ? new NoopCommand() : ProcessShellCommandFactory.INSTANCE.createCommand(channel, command));
        sshd.setShellFactory(InteractiveProcessShellFactory.INSTANCE);
        sshd.setSubsystemFactories(Collections.singletonList(new SftpSubsystemFactory()));
        sshd.start();
        return new EmbeddedSshServer(sshd);
    }

    /** Ends at once with status 0. */
    static final class NoopCommand implements Command {
        private ExitCallback exit;

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void setErrorStream(OutputStream err) {
        }

        @Override
        public void setInputStream(InputStream in) {
        }

        @Override
        public void setOutputStream(OutputStream out) {
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
            exit.onExit(0);
        }

        @Override
        public void destroy(ChannelSession channel) {
        }
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
