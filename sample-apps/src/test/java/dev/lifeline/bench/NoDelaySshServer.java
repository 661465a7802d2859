package dev.lifeline.bench;

import dev.lifeline.samples.EmbeddedSshServer;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.AcceptAllPublickeyAuthenticator;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * For the exec round-trip benchmark: an in-process MINA server that answers only {@link EmbeddedSshServer#NOOP}
 * (exit 0, no output), with {@code TCP_NODELAY} on. The demo's {@link EmbeddedSshServer} keeps Nagle's algorithm on,
 * which on loopback makes every exec round trip wait for delayed ACKs (40 ms timers: 45–90 ms per exec whatever the
 * client does), and would hide any cost of the client or the agent behind those waits.
 */
final class NoDelaySshServer implements AutoCloseable {
    private final SshServer server;

    private NoDelaySshServer(SshServer server) {
        this.server = server;
    }

    static NoDelaySshServer start(Path dir) throws IOException {
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        SimpleGeneratorHostKeyProvider hostKeys = new SimpleGeneratorHostKeyProvider(dir.resolve("nodelay-hostkey.ser"));
        hostKeys.setAlgorithm("RSA");
        sshd.setKeyPairProvider(hostKeys);
        sshd.setPublickeyAuthenticator(AcceptAllPublickeyAuthenticator.INSTANCE);
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        CoreModuleProperties.TCP_NODELAY.set(sshd, true);
        MinaServer.allowGroup14Sha1(sshd); // the Ganymed family's key exchange; appended, so no other client's changes
        sshd.setCommandFactory((channel, command) -> {
            if (!EmbeddedSshServer.NOOP.equals(command)) {
                throw new IOException("this server runs only " + EmbeddedSshServer.NOOP);
            }
            return new Noop();
        });
        sshd.start();
        return new NoDelaySshServer(sshd);
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }

    static final class Noop implements Command {
        private ExitCallback exit;

        @Override
        public void setExitCallback(ExitCallback callback) {
            exit = callback;
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
}
