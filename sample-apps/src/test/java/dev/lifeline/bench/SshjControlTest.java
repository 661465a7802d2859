package dev.lifeline.bench;

import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 15, the controls: unchanged sshj apps, WITHOUT the agent, against Debian's OpenSSH. Each fault the with-agent
 * tests ({@link SshjAgentTest}) fix is real here: the app is still blocked {@value #HANGS_S} s in. All scenarios share
 * one window, to keep the test cheap: an idle shell read, an SFTP {@code ls} and a {@code disconnect()} with stuck
 * writers on a server whose cable is cut ({@link PacketDrop}); {@code sleep 30000} on a live server; a connect to a
 * port that drops SYNs and to a listener that never greets, and a {@code connectVia} (0.40) through the live server to
 * that listener; an idle read in a connection tunnelled through the cut server to itself. Past the window the test ends
 * them.
 *
 * <p>How long each lasts when left alone (sshj 0.40.0, measured once): the idle read and the silent listener (the
 * identification exchange has no timeout) still waited at 170 s; the SYN-dropped connect failed at 133 s (the
 * kernel's SYN retries: sshj sets no connect timeout); the SFTP {@code ls} failed at 30 s, sshj's own per-request
 * SFTP timeout, which a legacy app leaves at its default.
 */
class SshjControlTest {
    static final long HANGS_S = 8;
    /**
     * JVM start and sshj's first connect, eight JVMs at once on 2 cores beside two other test classes (30 s was not
     * always enough in CI). A wait for a condition: it costs nothing when the apps are quick.
     */
    static final long STARTS_MS = 90_000;
    /** The server each fault cuts, and a second one that stays reachable (the jump host of the connectVia control). */
    @RegisterExtension
    static final OpenSshExtension CUT = OpenSshExtension.builder().requires(PacketDrop::available, "needs root and nft").build();
    @RegisterExtension
    static final OpenSshExtension LIVE = OpenSshExtension.builder().build();

    static ForkedJvm.Builder app(String name, String version) {
        return Bench.app(name, "sshj-" + version, Bench.defaultJdk());
    }

    /** Both sshj versions connect, authenticate with the PEM RSA key and run a command against OpenSSH. */
    @ParameterizedTest(name = "sshj {0}")
    @ValueSource(strings = {Versions.SSHJ, Versions.SSHJ_OLD})
    void theAppsWorkAgainstOpenSsh(String version) throws Exception {
        try (ForkedJvm exec = app("SshjExec", version).args(LIVE.server().target("echo hi")).start();
             ForkedJvm sftp = app("SshjSftp", version).args(LIVE.server().target(LIVE.server().dir.toAbsolutePath().toString())).keepStdin().start()) {
            exec.awaitExit(30_000);
            assertThat(exec.result()).containsEntry("status", "ok").containsEntry("exit", "0").containsEntry("out", "hi");
            sftp.awaitLine(Pattern.compile("^READY idle"), 30_000);
            sftp.send("ls");
            sftp.awaitExit(30_000);
            assertThat(sftp.result()).containsEntry("status", "ok");
        }
    }

    @Test
    void withoutTheAgentEveryFaultHangs(@TempDir Path tmp) throws Exception {
        String marker = "30000." + (ProcessHandle.current().pid() % 100000);
        int synDropPort = PacketDrop.unboundPort();
        Map<String, ForkedJvm> apps = new LinkedHashMap<>();
        try (PacketDrop synDrop = PacketDrop.on(synDropPort); SilentListener silent = new SilentListener()) {
            apps.put("idle shell read, peer cut", app("SshjIdleShell", Versions.SSHJ).args(CUT.server().target()).start());
            apps.put("SFTP ls, peer cut", app("SshjSftp", Versions.SSHJ).args(CUT.server().target(CUT.server().dir.toAbsolutePath().toString())).keepStdin().start());
            apps.put("disconnect, stuck writers, peer cut", app("SshjCloseDeadPeer", Versions.SSHJ).args(CUT.server().target(Bench.STUCK_WRITERS)).keepStdin().start());
            apps.put("exec sleep forever", app("SshjExec", Versions.SSHJ).args(LIVE.server().target("sleep " + marker)).start());
            String key = dev.lifeline.samples.SampleKeys.create(tmp).privateKey.toString();
            apps.put("connect, SYN dropped", app("SshjConnect", Versions.SSHJ).args("127.0.0.1", String.valueOf(synDropPort), "nobody", key).start());
            apps.put("connect, no banner", app("SshjConnect", Versions.SSHJ).args("127.0.0.1", String.valueOf(silent.port()), "nobody", key).start());
            apps.put("connectVia, tunnelled to a listener with no banner", app("SshjConnectVia", Versions.SSHJ)
                    .args(LIVE.server().target("127.0.0.1", String.valueOf(silent.port()))).start());
            apps.get("connectVia, tunnelled to a listener with no banner").awaitLine(Pattern.compile("^READY connectVia"), STARTS_MS);
            apps.put("connectVia idle read, peer cut", app("SshjConnectVia", Versions.SSHJ)
                    .args(CUT.server().target("localhost", String.valueOf(CUT.server().port), "idle")).start());
            apps.get("idle shell read, peer cut").awaitLine(Pattern.compile("^READY idle"), STARTS_MS);
            apps.get("connectVia idle read, peer cut").awaitLine(Pattern.compile("^READY idle"), STARTS_MS);
            apps.get("SFTP ls, peer cut").awaitLine(Pattern.compile("^READY idle"), STARTS_MS);
            apps.get("disconnect, stuck writers, peer cut").awaitLine(Pattern.compile("^READY channels"), STARTS_MS);
            apps.get("exec sleep forever").awaitLine(Pattern.compile("^READY exec"), STARTS_MS);
            try (PacketDrop drop = PacketDrop.on(CUT.server().port)) {
                apps.get("SFTP ls, peer cut").send("ls");
                apps.get("disconnect, stuck writers, peer cut").send("close");
                apps.get("disconnect, stuck writers, peer cut").awaitLine(Pattern.compile("^READY stalled in_socket_write=[1-9]"), STARTS_MS);
                await().during(Duration.ofSeconds(HANGS_S)).atMost(Duration.ofSeconds(HANGS_S + 5)).untilAsserted(() -> {
                    for (Map.Entry<String, ForkedJvm> e : apps.entrySet()) {
                        assertThat(e.getValue().isAlive()).as(e.getKey() + " still blocked; it printed: " + e.getValue().resultLine()).isTrue();
                    }
                });
                assertThat(ExecDeadlineTest.remote(marker)).as("the remote sleep still runs").isPositive();
            }
        } finally {
            apps.values().forEach(ForkedJvm::close);
            ExecDeadlineTest.killRemote(marker);
        }
    }
}
