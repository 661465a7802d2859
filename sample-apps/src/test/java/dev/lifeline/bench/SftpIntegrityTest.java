package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8: data integrity. An SFTP put + get with keepalive at 1 s and {@code sftp.timeout} on (every response and,
 * on JSch, every read of one through Lifeline's hooks), while sibling exec channels on the same session are ended by
 * their exec deadline every second, comes back byte for byte (SHA-256). 256 MB by default (seconds of
 * transfer: several sibling deadlines fire and keepalive probes interleave with it), 1 GB with {@code
 * -Dlifeline.tests=full}, or {@code -Dlifeline.test.sftpMb}; the transfer time with and without the agent is recorded
 * in the same run, not asserted.
 */
@ResourceLock(Locks.CPU)
class SftpIntegrityTest {
    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().build();

    static final int MB = Integer.getInteger("lifeline.test.sftpMb", Bench.fullSuite() ? 1024 : 256);

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "SSHD"})
    void aTransferBesideFiringDeadlinesComesBackIdentical(Library lib, @TempDir Path dir) throws Exception {
        Path local = dir.resolve("payload.bin");
        byte[] block = new byte[1 << 20];
        Random random = new Random(42);
        try (OutputStream out = Files.newOutputStream(local)) {
            for (int i = 0; i < MB; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        String app = lib.isJsch() ? "JschSftpBesideDeadlines" : "MinaSftpBesideDeadlines";
        String sleep = ExecDeadlineTest.sleepForever();
        OpenSshServer sshd = SSHD.server();
        try {
            Path remote = sshd.dir.resolve("payload-" + lib + ".bin").toAbsolutePath();
            long without;
            try (ForkedJvm a = Bench.app(app, lib, Bench.defaultJdk())
                    .args(sshd.targetUnprivileged(local.toString(), "/tmp/lifeline-sftp-" + lib + "-a.bin", sleep)).start()) {
                a.awaitExit(600_000);
                assertThat(a.result()).containsEntry("status", "ok");
                without = Long.parseLong(a.result().get("transfer_ms"));
            }
            try (ForkedJvm a = Bench.withAgent(Bench.app(app, lib, Bench.defaultJdk()),
                    "keepalive.interval=1s,exec.timeout=1s,exec.killGrace=0,sftp.timeout=60s")
                    .args(sshd.targetUnprivileged(local.toString(), "/tmp/lifeline-sftp-" + lib + "-b.bin", sleep)).start()) {
                a.awaitExit(600_000);
                Map<String, String> r = a.result();
                assertThat(r).as("SHA-256 of what came back").containsEntry("status", "ok");
                assertThat(Integer.parseInt(r.get("siblings_ended"))).as("sibling execs ended by their deadline").isPositive();
                long with = Long.parseLong(r.get("transfer_ms"));
                Measurements.record("SFTP put+get " + MB + " MB, " + lib + ", without agent (2 sibling execs hang)", without);
                Measurements.record("SFTP put+get " + MB + " MB, " + lib + ", with agent, keepalive 1s, sftp.timeout on, sibling exec deadlines firing ("
                        + r.get("siblings_ended") + ")", with);
            }
            Files.deleteIfExists(remote);
        } finally {
            ExecDeadlineTest.killRemote(sleep);
            Files.deleteIfExists(Path.of("/tmp/lifeline-sftp-" + lib + "-a.bin"));
            Files.deleteIfExists(Path.of("/tmp/lifeline-sftp-" + lib + "-b.bin"));
        }
    }
}
