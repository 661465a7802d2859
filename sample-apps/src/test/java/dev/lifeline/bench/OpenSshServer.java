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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Debian's real OpenSSH server on a free loopback port, with its own config, host keys and authorized key under
 * {@code target/}. Accepts the legacy algorithms jcraft JSch 0.1.55 needs (ssh-rsa host key and user key, group14-sha1).
 */
final class OpenSshServer implements AutoCloseable {
    static final Path SSHD = Paths.get("/usr/sbin/sshd");
    private static final AtomicInteger COUNTER = new AtomicInteger();

    final String host = "127.0.0.1";
    final int port;
    final String user = System.getProperty("user.name");
    final SampleKeys keys;
    final Path dir;
    private final Process process;
    private final StringBuffer log = new StringBuffer();

    private OpenSshServer(Path dir, int port, SampleKeys keys, Process process) {
        this.dir = dir;
        this.port = port;
        this.keys = keys;
        this.process = process;
        Thread t = new Thread(() -> {
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
        t.setDaemon(true);
        t.start();
    }

    static boolean available() {
        return Files.isExecutable(SSHD) && Requirements.isRoot();
    }

    /** @param extraConfig sshd_config lines, e.g. {@code ClientAliveInterval 1} */
    static OpenSshServer start(String... extraConfig) throws Exception {
        Requirements.require(available(), "needs /usr/sbin/sshd (Debian openssh-server) and root");
        Path dir = Paths.get("target", "openssh-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet())
                .toAbsolutePath();
        Files.createDirectories(dir);
        SampleKeys keys = SampleKeys.create(dir.resolve("client"));
        run("ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", dir.resolve("host_rsa").toString());
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host_ed25519").toString());
        Files.write(dir.resolve("authorized_keys"), (keys.authorizedKeysLine + "\n").getBytes(StandardCharsets.US_ASCII));
        Files.createDirectories(Paths.get("/run/sshd"));
        int port = freePort();
        List<String> config = new ArrayList<>(Arrays.asList(
                "Port " + port,
                "ListenAddress 127.0.0.1",
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
                "KexAlgorithms +diffie-hellman-group14-sha1",
                "Subsystem sftp internal-sftp",
                "MaxStartups 200",
                "MaxSessions 200",
                "LogLevel INFO"));
        config.addAll(Arrays.asList(extraConfig));
        Path cfg = dir.resolve("sshd_config");
        Files.write(cfg, (String.join("\n", config) + "\n").getBytes(StandardCharsets.US_ASCII));
        Process p = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", cfg.toString()).redirectErrorStream(true).start();
        OpenSshServer server = new OpenSshServer(dir, port, keys, p);
        server.awaitBanner();
        return server;
    }

    private void awaitBanner() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("sshd exited: " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 500);
                s.setSoTimeout(2000);
                byte[] b = new byte[4];
                if (s.getInputStream().read(b) == 4 && new String(b, StandardCharsets.US_ASCII).equals("SSH-")) {
                    return;
                }
            } catch (IOException notYet) {
                // the condition is polled below: sshd binds its port a moment after start
            }
            synchronized (this) {
                wait(50);
            }
        }
        throw new IllegalStateException("sshd did not answer on " + port + ": " + log);
    }

    /** Arguments every sample app takes first: HOST PORT USER IDENTITY. */
    String[] target(String... rest) {
        List<String> a = new ArrayList<>(Arrays.asList(host, String.valueOf(port), user, keys.privateKey.toString()));
        a.addAll(Arrays.asList(rest));
        return a.toArray(new String[0]);
    }

    String log() {
        return log.toString();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
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
        }
    }
}
