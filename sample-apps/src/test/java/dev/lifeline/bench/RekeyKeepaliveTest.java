package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 25 item 4: no keepalive probe breaks a key exchange. OpenSSH re-keys every 256 KB or 3 s
 * ({@code RekeyLimit 256K 3s}; {@code diffie-hellman-group14-sha1} added for the Ganymed family, as in
 * {@link Ssh2FamilyTest}); JSch, MINA, sshj, Jenkins' Trilead fork and Ganymed each run rounds of traffic on one session
 * ({@code *RekeyTraffic}, {@code TrafficLoop}): an exec ({@code head -c} of 500 KB, two key exchanges by volume besides
 * one every 3 s, then 1.5 s quiet, so keepalive probes go out between transfers while time-based key exchanges run), an
 * SFTP upload of 128 KB on a new SFTP channel (stat, remove), and a connection through the session's local forward to
 * the server's own sshd, which must greet. Each under Lifeline at keepalive 1 s × 3, beside the same app without the
 * agent as the control, for 20 s; every session lives to the end with every round whole, as the control's.
 * {@code -Dlifeline.rekey.seconds=300} (or {@code -Dlifeline.tests=full}) runs it for 5 minutes instead. All ten JVMs
 * run at once against this class's own server.
 */
@ResourceLock(Locks.CPU) // ten JVMs streaming at once: not beside the other CPU-bound classes
class RekeyKeepaliveTest {
    private static final long SECONDS = Long.getLong("lifeline.rekey.seconds", Bench.fullSuite() ? 300 : 20);
    private static final String COMMAND = "head -c 500000 /dev/zero; sleep 1.5";
    private static final String KEEPALIVE_1S_X3 = "keepalive.interval=1s,keepalive.countMax=3";

    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().config("RekeyLimit 256K 3s")
            .config(Ssh2FamilyTest.OLD_ALGORITHMS).build();

    @Test
    void everyLibraryUnderTheAgentSurvivesTheKeyExchangesAsWithoutIt() throws Exception {
        OpenSshServer server = SSHD.server();
        assertThat(kexinitsReceived(server, "head -c 2000000 /dev/zero")).as("the server re-keys (KEXINIT from it, ssh -v)")
                .isGreaterThanOrEqualTo(5);
        Map<String, ForkedJvm> apps = new LinkedHashMap<>();
        try {
            for (String agent : Arrays.asList("agent", "control")) {
                start(apps, "jsch " + agent, Bench.app("JschRekeyTraffic", Library.JSCH_MWIEDE, Bench.defaultJdk()));
                start(apps, "sshd " + agent, Bench.app("MinaRekeyTraffic", Library.SSHD, Bench.defaultJdk()));
                start(apps, "sshj " + agent, Bench.app("SshjRekeyTraffic", "sshj-" + Versions.SSHJ, Bench.defaultJdk()));
                start(apps, "trilead " + agent, Bench.app("Ssh2RekeyTraffic", "trilead-jenkins-217", Bench.defaultJdk()));
                start(apps, "ganymed " + agent, Bench.app("Ssh2RekeyTraffic", "ganymed-262", Bench.defaultJdk()));
            }
            for (Map.Entry<String, ForkedJvm> e : apps.entrySet()) {
                ForkedJvm app = e.getValue();
                app.awaitExit((SECONDS + 120) * 1000);
                Map<String, String> result = app.result();
                assertThat(result).as(e.getKey() + ": " + app.output()).containsEntry("status", "ok").containsEntry("failed", "0");
                assertThat(Integer.parseInt(result.get("rounds"))).as(e.getKey()).isGreaterThanOrEqualTo(1);
                assertThat(app.stderr()).as(e.getKey()).noneMatch(l -> l.contains("event=keepalive.declared-dead"));
                if (e.getKey().endsWith("agent")) {
                    assertThat(app.stderr()).as(e.getKey()).anyMatch(l -> l.contains("event=session.configured")
                            && l.contains("keepalive.interval=1s(set)"));
                }
            }
        } finally {
            apps.values().forEach(ForkedJvm::close);
        }
    }

    /**
     * {@code name} ending in {@code agent} or {@code control}: {@code SECONDS COMMAND REMOTE_FILE}, the file its own in
     * the server's folder (the login user's: the server runs as it).
     */
    private static void start(Map<String, ForkedJvm> apps, String name, ForkedJvm.Builder app) throws Exception {
        ForkedJvm.Builder b = name.endsWith(" agent") ? Bench.withAgent(app, KEEPALIVE_1S_X3) : app;
        String file = SSHD.server().dir.resolve("rekey-" + name.replace(' ', '-') + ".bin").toAbsolutePath().toString();
        apps.put(name, b.args(SSHD.server().target(String.valueOf(SECONDS), COMMAND, file)).start());
    }

    /** OpenSSH's client, verbose, runs {@code command} once: how many key exchanges the server started. */
    private static int kexinitsReceived(OpenSshServer server, String command) throws Exception {
        List<String> cmd = new ArrayList<>(Arrays.asList("ssh", "-v", "-T", "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-i", server.keys.privateKey.toString(), "-p", String.valueOf(server.port), server.user + "@" + server.host, command));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        int kexinits = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                if (l.contains("SSH2_MSG_KEXINIT received")) {
                    kexinits++;
                }
            }
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return kexinits;
    }
}
