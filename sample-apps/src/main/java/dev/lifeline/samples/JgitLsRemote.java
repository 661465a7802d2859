package dev.lifeline.samples;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.transport.SshSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/**
 * {@code git ls-remote ssh://USER@HOST:PORT/REPO} with JGit and its own MINA transport ({@code SshdSessionFactory}),
 * wired the legacy way: installed as the default factory, an ssh config for the key and host keys, and no timeout
 * ({@code setTimeout} never called). Reports {@code connect_ms} on failure (the whole call) and the ref count.
 */
public final class JgitLsRemote {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "REPO_PATH");
        Result result = new Result("JgitLsRemote");
        try {
            Path home = Files.createTempDirectory("jgit-home");
            File ssh = home.resolve(".ssh").toFile();
            if (!ssh.mkdirs()) {
                throw new IllegalStateException("cannot create " + ssh);
            }
            String config = "Host *\n  StrictHostKeyChecking no\n  IdentitiesOnly yes\n  IdentityFile " + t.identity + "\n"
                    + "  UserKnownHostsFile " + new File(ssh, "known_hosts") + "\n";
            Files.write(new File(ssh, "config").toPath(), config.getBytes(StandardCharsets.UTF_8));
            SshdSessionFactory factory = new SshdSessionFactory();
            factory.setHomeDirectory(home.toFile());
            factory.setSshDirectory(ssh);
            SshSessionFactory.setInstance(factory);
            String uri = "ssh://" + t.user + "@" + t.host + ":" + t.port + t.rest[0];
            result.phase("connect");
            Collection<Ref> refs = Git.lsRemoteRepository().setRemote(uri).call();
            result.endPhase().with("refs", refs.size());
            factory.close();
            result.finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
