package dev.lifeline.bench;

import dev.lifeline.samples.EmbeddedSshServer;
import dev.lifeline.samples.SampleKeys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The demo's embedded Apache MINA server as a test fixture: free loopback port, real {@code sh -c} exec, shell, SFTP,
 * any public key; needs nothing installed, so these tests run on any machine. Comes with a client key pair.
 */
final class MinaServer implements AutoCloseable {
    final String host;
    final int port;
    final String user = System.getProperty("user.name");
    final SampleKeys keys;
    final Path dir;
    private final EmbeddedSshServer server;

    private MinaServer(Path dir, SampleKeys keys, EmbeddedSshServer server) {
        this.dir = dir;
        this.keys = keys;
        this.server = server;
        this.host = server.host();
        this.port = server.port();
    }

    /** @param dir where the host key, the client keys and uploaded files go */
    static MinaServer start(Path dir) throws Exception {
        return start(dir, null);
    }

    /** @param customize changes the server before it starts (a misbehaving subsystem); null for none */
    static MinaServer start(Path dir, java.util.function.Consumer<org.apache.sshd.server.SshServer> customize) throws Exception {
        Files.createDirectories(dir);
        SampleKeys keys = SampleKeys.create(dir.resolve("client"));
        return new MinaServer(dir, keys, EmbeddedSshServer.start(dir, customize));
    }

    /** Arguments every sample app takes first: HOST PORT USER IDENTITY. */
    String[] target(String... rest) {
        List<String> a = new ArrayList<>(Arrays.asList(host, String.valueOf(port), user, keys.privateKey.toString()));
        a.addAll(Arrays.asList(rest));
        return a.toArray(new String[0]);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
