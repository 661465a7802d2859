package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.EmbeddedSshServer;
import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.SampleKeys;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.AcceptAllPublickeyAuthenticator;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 13: the demo left its {@code sleep 30000} commands running, reparented to init, for eight hours. MINA's own
 * exec does not kill a command when its channel closes; the demo's {@link EmbeddedSshServer} does. One app (MinaExec,
 * no agent, no timeout) runs a marked {@code sleep} and is killed, as the demo stops a hung app.
 */
class EmbeddedServerExecCleanupTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    /** The remote commands this JVM started (the in-process server's children) with this command line (sleep N). */
    private static List<ProcessHandle> running(String commandLine) {
        return ProcessHandle.current().descendants()
                .filter(h -> h.info().commandLine().map(c -> c.equals(commandLine) || c.endsWith("/" + commandLine))
                        .orElse(false))
                .collect(Collectors.toList());
    }

    private static ForkedJvm hungExec(String[] target) throws Exception {
        ForkedJvm app = Bench.app("MinaExec", Library.SSHD, Bench.defaultJdk()).args(target).start();
        app.awaitLine(Pattern.compile("^READY exec"), 30_000);
        return app;
    }

    @Test
    void minasOwnExecLeavesTheCommandRunningAfterItsChannelAndServerClose(@TempDir Path dir) throws Exception {
        String command = "sleep 30011";
        SampleKeys keys = SampleKeys.create(dir.resolve("client"));
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        SimpleGeneratorHostKeyProvider hostKeys = new SimpleGeneratorHostKeyProvider(dir.resolve("hostkey.ser"));
        hostKeys.setAlgorithm("RSA");
        sshd.setKeyPairProvider(hostKeys);
        sshd.setPublickeyAuthenticator(AcceptAllPublickeyAuthenticator.INSTANCE);
        sshd.setCommandFactory(ProcessShellCommandFactory.INSTANCE); // what the demo's server used before
        sshd.start();
        List<ProcessHandle> leaked = List.of();
        try {
            String[] target = {"127.0.0.1", String.valueOf(sshd.getPort()), System.getProperty("user.name"),
                    keys.privateKey.toString(), command};
            try (ForkedJvm app = hungExec(target)) {
                await().atMost(WAIT).until(() -> running(command).size() == 1);
                leaked = running(command);
            } // the app is killed here, as the demo stops a hung app
            await().atMost(WAIT).until(() -> sshd.getActiveSessions().isEmpty());
            sshd.stop(true);
            assertThat(leaked).allMatch(ProcessHandle::isAlive); // the fault: it would now run for 8 h 20 min
        } finally {
            sshd.stop(true);
            leaked.forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void theDemoServerKillsTheCommandWhenItsChannelCloses(@TempDir Path dir) throws Exception {
        String command = "sleep 30012";
        try (MinaServer server = MinaServer.start(dir)) {
            Optional<ProcessHandle> sleep;
            try (ForkedJvm app = hungExec(server.target(command))) {
                await().atMost(WAIT).until(() -> running(command).size() == 1);
                sleep = running(command).stream().findFirst();
                assertThat(app.isAlive()).isTrue(); // still hung: nothing killed the command while its channel was open
            }
            await().atMost(WAIT).until(() -> !sleep.get().isAlive());
        }
    }

    @Test
    void theDemoServerKillsCommandsStillRunningWhenItCloses(@TempDir Path dir) throws Exception {
        String command = "sleep 30013";
        ForkedJvm app;
        Optional<ProcessHandle> sleep;
        try (MinaServer server = MinaServer.start(dir)) {
            app = hungExec(server.target(command));
            await().atMost(WAIT).until(() -> running(command).size() == 1);
            sleep = running(command).stream().findFirst();
        } // the server closes while the app still holds the channel open
        try {
            await().atMost(WAIT).until(() -> !sleep.get().isAlive());
            app.awaitExit(WAIT); // and the app saw its session end
        } finally {
            app.close();
        }
    }
}
