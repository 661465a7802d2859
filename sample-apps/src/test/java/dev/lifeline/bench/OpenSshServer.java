package dev.lifeline.bench;

import dev.lifeline.samples.SampleKeys;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real OpenSSH server on a free loopback port, with its own config, host keys and authorized key under
 * a fresh folder of {@code target/}. Two user keys are authorized: RSA in PKCS#1 PEM ({@link #keys}, which every library here reads) and
 * ed25519 from ssh-keygen ({@link #ed25519Key}, which jcraft 0.1.55 and MINA without an EdDSA provider cannot use).
 *
 * <p>jcraft 0.1.55 against OpenSSH 9.2 fails "Algorithm negotiation fail" without an ssh-rsa (SHA-1) host key signature,
 * then "Auth fail" without ssh-rsa user key signatures; with both it negotiates ecdh-sha2-nistp256, aes128-ctr and
 * hmac-sha1, all still on by default, so no kex, cipher or MAC is added.
 *
 * <p>{@link Builder#inNetns} runs it in a network namespace instead (e.g. a {@link NetnsFirewall}'s), listening on that
 * namespace's address, which {@link #host} and {@link #target} then give the apps.
 */
final class OpenSshServer implements AutoCloseable {
    static final Path SSHD = Paths.get("/usr/sbin/sshd");
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
    /**
     * Ports tried before giving up: {@link #freePort()} closes its socket before sshd binds the port, and another
     * process (a parallel test session, an ephemeral client socket) may take it in between.
     */
    private static final int BIND_ATTEMPTS = 5;

    static {
        // sshd -D is not killed with the JVM: a test JVM that dies without close() must not leave a server behind
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "sshd-cleanup"));
    }

    /** 127.0.0.1, or the namespace's address sshd listens on. */
    final String host;
    final int port;
    final String user = System.getProperty("user.name");
    final SampleKeys keys;
    final Path ed25519Key;
    final Path dir;
    private final Process process;
    private final StringBuffer log = new StringBuffer();
    /** Copies sshd's output into {@link #log}; ends when sshd does. */
    private final Thread logReader;

    private OpenSshServer(Path dir, String host, int port, SampleKeys keys, Path ed25519Key, Process process) {
        this.dir = dir;
        this.host = host;
        this.port = port;
        this.keys = keys;
        this.ed25519Key = ed25519Key;
        this.process = process;
        logReader = new Thread(() -> {
            try (InputStream in = process.getInputStream()) {
                byte[] buf = new byte[4096];
                int n;
                while ((n = in.read(buf)) > 0) {
                    log.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            } catch (IOException ignored) {
                // sshd ended
            }
        }, "sshd-log");
        logReader.setDaemon(true);
        logReader.start();
    }

    static boolean available() {
        return Files.isExecutable(SSHD);
    }

    static Builder builder() {
        return new Builder();
    }

    static final class Builder {
        private final List<String> config = new ArrayList<>();
        private String namespace;
        private String listenAddress = "127.0.0.1";
        private int port;
        private final List<Integer> portsFirst = new ArrayList<>();

        /** Extra {@code sshd_config} lines, appended after the bench's own (for most keywords sshd takes the first value). */
        Builder config(String... lines) {
            config.addAll(Arrays.asList(lines));
            return this;
        }

        /** Runs sshd with {@code ip netns exec namespace}, listening on {@code listenAddress}, an address in it. */
        Builder inNetns(String namespace, String listenAddress) {
            this.namespace = namespace;
            this.listenAddress = listenAddress;
            return this;
        }

        /** The port to listen on (default: a free loopback port). */
        Builder port(int port) {
            this.port = port;
            return this;
        }

        /** For the bench's own test: ports to try before free ones, as if {@link #freePort()} had returned them. */
        Builder portsFirst(int... ports) {
            for (int p : ports) {
                portsFirst.add(p);
            }
            return this;
        }

        OpenSshServer start() throws Exception {
            return OpenSshServer.start(namespace, listenAddress, port, portsFirst, config.toArray(new String[0]));
        }
    }

    /** @param extraConfig sshd_config lines, e.g. {@code ClientAliveInterval 1} */
    static OpenSshServer start(String... extraConfig) throws Exception {
        return start(null, "127.0.0.1", 0, List.of(), extraConfig);
    }

    private static OpenSshServer start(String namespace, String listenAddress, int fixedPort, List<Integer> portsFirst,
            String... extraConfig) throws Exception {
        Requirements.require(available(), "needs /usr/sbin/sshd (Debian: apt-get install openssh-server)");
        Path dir = freshDir();
        SampleKeys keys = SampleKeys.create(dir.resolve("client"));
        run("ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", dir.resolve("host_rsa").toString());
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host_ed25519").toString());
        Path ed25519Key = dir.resolve("client").resolve("id_ed25519");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "lifeline-test-ed25519", "-f", ed25519Key.toString());
        String ed25519Line = new String(Files.readAllBytes(ed25519Key.resolveSibling("id_ed25519.pub")), StandardCharsets.US_ASCII).trim();
        Files.write(dir.resolve("authorized_keys"),
                (keys.authorizedKeysLine + "\n" + ed25519Line + "\n").getBytes(StandardCharsets.US_ASCII));
        createPrivilegeSeparationDir();
        for (int attempt = 1; ; attempt++) {
            int port = fixedPort > 0 ? fixedPort : attempt <= portsFirst.size() ? portsFirst.get(attempt - 1) : freePort();
            try {
                return launch(dir, namespace, listenAddress, port, keys, ed25519Key, extraConfig);
            } catch (PortTaken e) {
                if (fixedPort > 0 || attempt == BIND_ATTEMPTS) {
                    throw new IllegalStateException("sshd could not bind a port in " + attempt + " attempts", e);
                }
                // freePort() let go of the port before sshd bound it, and another process took it: take another
            }
        }
    }

    /** One sshd on {@code port}; {@link PortTaken} when another process holds it. */
    private static OpenSshServer launch(Path dir, String namespace, String listenAddress, int port, SampleKeys keys,
            Path ed25519Key, String... extraConfig) throws Exception {
        List<String> config = new ArrayList<>(Arrays.asList(
                "Port " + port,
                "ListenAddress " + listenAddress,
                "HostKey " + dir.resolve("host_ed25519"),
                "HostKey " + dir.resolve("host_rsa"),
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "StrictModes no",
                "UsePAM no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                "PermitRootLogin prohibit-password",
                "HostKeyAlgorithms +ssh-rsa",
                "PubkeyAcceptedAlgorithms +ssh-rsa",
                "Subsystem sftp internal-sftp",
                "MaxStartups 200",
                "MaxSessions 200",
                "LogLevel INFO",
                // bash run by sshd sources ~/.bashrc when SHLVL < 2; a root .bashrc that runs e.g. "pyenv init" (a
                // rehash under a lock) then turns 32 concurrent execs into minutes. SHLVL=1 makes it a nested shell.
                "SetEnv SHLVL=1"));
        if (Arrays.stream(extraConfig).anyMatch(l -> l.startsWith("Subsystem sftp "))) {
            config.remove("Subsystem sftp internal-sftp"); // sshd refuses a second definition of a subsystem
        }
        config.addAll(Arrays.asList(extraConfig));
        Path cfg = dir.resolve("sshd_config");
        Files.write(cfg, (String.join("\n", config) + "\n").getBytes(StandardCharsets.US_ASCII));
        List<String> cmd = new ArrayList<>();
        if (namespace != null) {
            // ip execs sshd once in the namespace: the process is sshd itself, and close() kills it and its children
            cmd.addAll(Arrays.asList("ip", "netns", "exec", namespace));
        }
        cmd.addAll(Arrays.asList(SSHD.toString(), "-D", "-e", "-f", cfg.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        RUNNING.add(p);
        OpenSshServer server = new OpenSshServer(dir, listenAddress, port, keys, ed25519Key, p);
        try {
            server.awaitListening();
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * A new folder under {@code target/} for each server. It used to be named by process id and a counter, so a JVM
     * that reused an earlier run's pid found the keys there, and {@code ssh-keygen} stopped at its overwrite prompt.
     * rwxr-xr-x like the old ones: sshd reads authorized_keys as the user who logs in ({@link #UNPRIVILEGED} too).
     */
    private static Path freshDir() throws IOException {
        Path parent = Files.createDirectories(Paths.get("target").toAbsolutePath());
        Path dir = Files.createTempDirectory(parent, "openssh-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    /** sshd refuses to start without it; Debian creates it only while its own service runs. */
    private static void createPrivilegeSeparationDir() {
        try {
            Files.createDirectories(Paths.get("/run/sshd"));
        } catch (IOException notRoot) {
            // sshd's own error, in the log awaitListening() reports, says it better
        }
    }

    /**
     * Until this sshd says it listens on its port and answers there with its banner. Its own log line first: a banner
     * alone could come from another server that holds the port, while this one failed to bind it.
     */
    private void awaitListening() throws Exception {
        String listening = "Server listening on " + host + " port " + port + ".";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                logReader.join(2000); // its last lines, which say why
                String out = log.toString();
                if (out.contains("Address already in use")) {
                    throw new PortTaken(out);
                }
                throw new IllegalStateException("sshd exited: " + out);
            }
            if (log.indexOf(listening) >= 0) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(host, port), 500);
                    s.setSoTimeout(2000);
                    byte[] b = new byte[4];
                    if (s.getInputStream().read(b) == 4 && new String(b, StandardCharsets.US_ASCII).equals("SSH-")) {
                        return;
                    }
                } catch (IOException notYet) {
                    // polled again below
                }
            }
            synchronized (this) {
                wait(50); // sshd binds its port a moment after start
            }
        }
        throw new IllegalStateException("sshd did not answer on " + host + ":" + port + ": " + log);
    }

    /** sshd exited because another process holds its port. */
    private static final class PortTaken extends Exception {
        private static final long serialVersionUID = 1L;

        PortTaken(String log) {
            super("sshd could not bind its port: " + log);
        }
    }

    /** Arguments every sample app takes first: HOST PORT USER IDENTITY. */
    String[] target(String... rest) {
        List<String> a = new ArrayList<>(Arrays.asList(host, String.valueOf(port), user, keys.privateKey.toString()));
        a.addAll(Arrays.asList(rest));
        return a.toArray(new String[0]);
    }

    /**
     * An unprivileged account (made by .ci/run). OpenSSH honours the SSH {@code signal} request only for logins that
     * run in a privilege-separated child, which a root login does not ("session signalling requires privilege
     * separation"); exec-deadline tests log in as this user.
     */
    static final String UNPRIVILEGED = "lifeline-test";

    static boolean unprivilegedUserExists() {
        try {
            return new ProcessBuilder("id", UNPRIVILEGED).start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** {@link #target} for {@link #UNPRIVILEGED}. */
    String[] targetUnprivileged(String... rest) {
        Requirements.require(unprivilegedUserExists(), "needs the user " + UNPRIVILEGED + " (.ci/run: useradd --create-home --shell /bin/sh --password '*' "
                + UNPRIVILEGED + ")");
        List<String> a = new ArrayList<>(Arrays.asList(host, String.valueOf(port), UNPRIVILEGED, keys.privateKey.toString()));
        a.addAll(Arrays.asList(rest));
        return a.toArray(new String[0]);
    }

    /**
     * Ends every login of {@link #UNPRIVILEGED} on this server (its processes under this sshd): the peer closes the
     * sessions, as when an administrator kills them. Other servers' logins, other test classes', are left alone.
     */
    void endUnprivilegedLogins() {
        process.toHandle().descendants().filter(p -> p.info().user().map(UNPRIVILEGED::equals).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }

    /** The same with another identity file, e.g. {@link #ed25519Key}. */
    String[] targetWith(Path identity, String... rest) {
        List<String> a = new ArrayList<>(Arrays.asList(host, String.valueOf(port), user, identity.toString()));
        a.addAll(Arrays.asList(rest));
        return a.toArray(new String[0]);
    }

    /**
     * The SFTP server processes of this sshd's sessions now (with {@code Subsystem sftp /usr/lib/openssh/sftp-server}):
     * only this server's descendants, never another test's.
     */
    java.util.List<ProcessHandle> sftpServers() {
        return process.descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/sftp-server")).orElse(false))
                .collect(java.util.stream.Collectors.toList());
    }

    /** Everything sshd printed with {@code -e}: connections, auth, {@code Timeout, client not responding}... */
    String log() {
        return log.toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The command's output, or null if it failed, timed out (20 s) or is missing: for best-effort probes and cleanup. */
    static String outputOrNull(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            RUNNING.remove(process);
        }
    }
}
