package dev.lifeline.samples;

import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.auth.pubkey.AcceptAllPublickeyAuthenticator;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.command.CommandFactory;
import org.apache.sshd.server.shell.InteractiveProcessShellFactory;
import org.apache.sshd.server.shell.InvertedShell;
import org.apache.sshd.server.shell.ProcessShell;
import org.apache.sshd.server.shell.ProcessShellFactory;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An Apache MINA SSH server on a free loopback port: real {@code sh -c} exec, a shell, SFTP, any public key.
 * The demo runs against it, so a machine without sshd can still see Lifeline work.
 *
 * <p>An exec's process (and whatever it started) is killed when its channel closes, and any left when the server
 * closes or the JVM exits: MINA's own exec leaves it running, so every demo run used to leave its {@code sleep 30000}
 * commands behind, reparented to init, for eight hours.
 */
public final class EmbeddedSshServer implements AutoCloseable {
    /** A command answered in-process (exit 0, no output): exec round trips without a process spawn per exec. */
    public static final String NOOP = "lifeline-noop";

    private final SshServer server;
    /** Exec processes started and not yet killed. */
    private final Set<Process> processes;
    private final Thread killAtExit;

    private EmbeddedSshServer(SshServer server, Set<Process> processes) {
        this.server = server;
        this.processes = processes;
        this.killAtExit = new Thread(this::killAll, "embedded-sshd-kill-at-exit");
        Runtime.getRuntime().addShutdownHook(killAtExit);
    }

    public static EmbeddedSshServer start(Path workDir) throws IOException {
        return start(workDir, null);
    }

    /** @param customize changes the server before it starts (a test's misbehaviour); null for none */
    public static EmbeddedSshServer start(Path workDir, java.util.function.Consumer<SshServer> customize) throws IOException {
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        SimpleGeneratorHostKeyProvider hostKeys = new SimpleGeneratorHostKeyProvider(workDir.resolve("mina-hostkey.ser"));
        hostKeys.setAlgorithm("RSA"); // RSA: the one host key type jcraft 0.1.55 can verify
        sshd.setKeyPairProvider(hostKeys);
        sshd.setPublickeyAuthenticator(AcceptAllPublickeyAuthenticator.INSTANCE);
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        Set<Process> processes = ConcurrentHashMap.newKeySet();
        sshd.setCommandFactory((channel, command) -> NOOP.equals(command)
                ? new NoopCommand() : new KillingProcessShellFactory(command, processes).createShell(channel));
        sshd.setShellFactory(InteractiveProcessShellFactory.INSTANCE);
        sshd.setSubsystemFactories(Collections.singletonList(new SftpSubsystemFactory()));
        if (customize != null) {
            customize.accept(sshd);
        }
        sshd.start();
        return new EmbeddedSshServer(sshd, processes);
    }

    /** MINA's {@code sh -c COMMAND} exec, whose process tree is killed when its channel closes. */
    static final class KillingProcessShellFactory extends ProcessShellFactory {
        private final Set<Process> processes;

        KillingProcessShellFactory(String command, Set<Process> processes) {
            super(command, CommandFactory.split(command));
            this.processes = processes;
        }

        @Override
        protected InvertedShell createInvertedShell(ChannelSession channel) {
            return new KillingProcessShell(resolveEffectiveCommand(channel, getCommand(), getElements()), processes);
        }
    }

    static final class KillingProcessShell extends ProcessShell {
        private static final Field PROCESS = processField();
        private final Set<Process> processes;
        private volatile Process process;

        KillingProcessShell(Collection<String> command, Set<Process> processes) {
            super(command);
            this.processes = processes;
        }

        private static Field processField() {
            try {
                Field f = ProcessShell.class.getDeclaredField("process");
                f.setAccessible(true);
                return f;
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new IllegalStateException("MINA's ProcessShell changed: no field 'process'", e);
            }
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws IOException {
            super.start(channel, env);
            try {
                process = (Process) PROCESS.get(this);
            } catch (IllegalAccessException e) {
                throw new IOException(e);
            }
            if (process != null) {
                processes.add(process);
                channel.addCloseFutureListener(f -> kill());
            }
        }

        @Override
        public void destroy(ChannelSession channel) {
            kill();
            super.destroy(channel);
        }

        private void kill() {
            Process p = process;
            if (p != null) {
                ProcessTree.destroyNow(p);
                processes.remove(p);
            }
        }
    }

    private void killAll() {
        for (Process p : processes) {
            ProcessTree.destroyNow(p);
            processes.remove(p);
        }
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
        try {
            server.stop(true);
        } finally {
            killAll();
            try {
                Runtime.getRuntime().removeShutdownHook(killAtExit);
            } catch (IllegalStateException exiting) {
                // the JVM is already exiting: the hook runs, harmlessly
            }
        }
    }
}
