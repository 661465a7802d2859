package dev.lifeline.samples;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;

import java.nio.file.Paths;

/** How a legacy MINA app connects: default client, accept-all host keys, no timeout anywhere. */
final class MinaClients {
    private MinaClients() {
    }

    static SshClient start(Target t) {
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        client.setKeyIdentityProvider(new FileKeyPairProvider(Paths.get(t.identity)));
        client.start();
        return client;
    }

    static ClientSession session(SshClient client, Target t) throws Exception {
        ClientSession session = client.connect(t.user, t.host, t.port).verify().getSession();
        session.auth().verify();
        return session;
    }
}
