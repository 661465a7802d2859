package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issues 4, 5 and 8: the peer vanishes in the middle of an SFTP upload (data in flight). Under the agent (keepalive
 * 1 s × 3) the put fails within interval × (countMax + 1) + 2 s, not after the kernel's retransmission limit, and is
 * never reported as a success.
 */
class SftpDeadPeerTest {
    static final long BOUND_MS = 1000 * (3 + 1) + 2000;
    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().requires(PacketDrop::available, "needs root and nft").build();

    private static ForkedJvm.Builder app(Library lib, Path remote) {
        return Bench.app(lib.isJsch() ? "JschSftpPutForever" : "MinaSftpPutForever", lib, Bench.defaultJdk())
                .args(SSHD.server().target(remote.toString()));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "JSCH_JCRAFT", "SSHD", "SSHD_OLD"})
    void anUploadToAVanishedPeerFailsWithinTheKeepaliveBound(Library lib) throws Exception {
        Path remote = SSHD.server().dir.resolve("put-" + lib + ".bin").toAbsolutePath();
        try (ForkedJvm a = Bench.withAgent(app(lib, remote), "keepalive.interval=1s,keepalive.countMax=3").start()) {
            long ms = PacketDrop.millisUntilAppGivesUp(a, "putting", SSHD.server().port);
            long landed = Files.size(remote);
            Measurements.record("SFTP put, peer vanishes mid-transfer, " + lib + " under agent 1s x3", ms);
            Measurements.record("SFTP put, " + lib + ": MB the library had accepted / MB on the server",
                    Long.parseLong(a.result().get("sent_mb")) * 1000 + (landed >> 20));
            assertThat(a.result()).containsEntry("status", "error");
            assertThat(ms).isLessThanOrEqualTo(BOUND_MS);
        } finally {
            Files.deleteIfExists(remote);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "SSHD"})
    void withoutTheAgentTheUploadHangs(Library lib) throws Exception {
        Path remote = SSHD.server().dir.resolve("put-control-" + lib + ".bin").toAbsolutePath();
        try (ForkedJvm a = app(lib, remote).start()) {
            a.awaitLine(Pattern.compile("^READY putting"), 30_000);
            try (PacketDrop drop = PacketDrop.on(SSHD.server().port)) {
                await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(10)).until(a::isAlive);
                assertThat(a.result()).isEmpty();
            }
        } finally {
            Files.deleteIfExists(remote);
        }
    }
}
