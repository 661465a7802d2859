package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import dev.lifeline.samples.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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
 * ({@code RekeyLimit 256K 3s}); JSch, MINA and sshj each run exec after exec on one session ({@code head -c} of
 * 500 KB, two key exchanges by volume besides one every 3 s, then 1.5 s quiet, so keepalive probes go out between
 * transfers while time-based key exchanges run) under Lifeline at keepalive 1 s × 3, beside the same app without the
 * agent as the control, for 20 s; every session lives to the end with every exec ending 0, as the control's.
 * {@code -Dlifeline.rekey.seconds=300} runs it for 5 minutes instead. All six JVMs run at once against this class's
 * own server.
 */
class RekeyKeepaliveTest {
    private static final long SECONDS = Long.getLong("lifeline.rekey.seconds", Bench.fullSuite() ? 300 : 20);
    private static final String COMMAND = "head -c 500000 /dev/zero; sleep 1.5";
    private static final String KEEPALIVE_1S_X3 = "keepalive.interval=1s,keepalive.countMax=3";

    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().config("RekeyLimit 256K 3s").build();

    @Test
    void everyLibraryUnderTheAgentSurvivesTheKeyExchangesAsWithoutIt() throws Exception {
        OpenSshServer server = SSHD.server();
        assertThat(kexinitsReceived(server, "head -c 2000000 /dev/zero")).as("the server re-keys (KEXINIT from it, ssh -v)")
                .isGreaterThanOrEqualTo(5);
        Map<String, ForkedJvm> apps = new LinkedHashMap<>();
        try {
            for (String agent : Arrays.asList("agent", "control")) {
                apps.put("jsch " + agent, start(Bench.app("JschRekeyTraffic", Library.JSCH_MWIEDE, Bench.defaultJdk()), agent));
                apps.put("sshd " + agent, start(Bench.app("MinaRekeyTraffic", Library.SSHD, Bench.defaultJdk()), agent));
                apps.put("sshj " + agent, start(Bench.app("SshjRekeyTraffic", "sshj-" + Versions.SSHJ, Bench.defaultJdk()), agent));
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

    private ForkedJvm start(ForkedJvm.Builder app, String agent) throws Exception {
        ForkedJvm.Builder b = "agent".equals(agent) ? Bench.withAgent(app, KEEPALIVE_1S_X3) : app;
        return b.args(SSHD.server().target(String.valueOf(SECONDS), COMMAND)).start();
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
