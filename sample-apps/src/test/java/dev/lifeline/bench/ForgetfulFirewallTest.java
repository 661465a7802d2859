package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8: a stateful firewall that forgets flows idle for 5 s (conntrack with an established timeout, as NAT gateways
 * do after 350 s), between the apps and a real OpenSSH server. sshd runs in a network namespace of its own
 * ({@link NetnsFirewall}: a veth pair to the root namespace, nftables with conntrack, established/related accepted, new
 * flows only by SYN, everything else dropped); the apps stay in the root namespace and connect to the namespace's
 * address. 20 sessions per app sit idle for 20 s (60 s with {@code -Dlifeline.tests=full}), then exec. Without the agent they are dead; with SSH keepalive under
 * the flow timeout, or TCP keepalive alone, all survive. The six apps (JSch and MINA × control, SSH keepalive, TCP
 * keepalive only) idle at the same time.
 */
@ResourceLock(Locks.CPU)
class ForgetfulFirewallTest {
    static final int SESSIONS = 20;
    static final int FLOW_TIMEOUT_S = 5;
    static final int SSH_PORT = 22; // in the namespace, which nothing else uses
    /** Four flow timeouts by default, enough for the firewall to forget every idle flow; 60 s with the full suite. */
    static final int IDLE_S = Integer.getInteger("lifeline.test.idleSeconds", Bench.fullSuite() ? 60 : 4 * FLOW_TIMEOUT_S);

    @Test
    void idleSessionsSurviveAForgetfulFirewallOnlyWithKeepalive() throws Exception {
        Requirements.require(NetnsFirewall.available(), "needs root, ip netns and nft");
        try (NetnsFirewall firewall = NetnsFirewall.forgettingIdleFlows(SSH_PORT, FLOW_TIMEOUT_S);
             OpenSshServer sshd = OpenSshServer.builder().inNetns(firewall.namespace, firewall.nsAddress)
                     .port(firewall.port).config("MaxStartups 300", "MaxSessions 300").start()) {
            // not root: its login shell may source a heavy ~/.bashrc (pyenv init here took over 20 s for 20 concurrent
            // "echo ok"), which would count live sessions as dead; the unprivileged account's is /bin/sh
            String[] args = sshd.targetUnprivileged(String.valueOf(SESSIONS), String.valueOf(IDLE_S));
            String sshKeepalive = "keepalive.interval=2s,tcp.keepalive=false";
            String tcpOnly = "keepalive.interval=0,tcp.keepalive=true,tcp.keepalive.idle=2s,tcp.keepalive.interval=2s";
            List<ForkedJvm> apps = new ArrayList<>();
            String[] labels = {"control", "ssh keepalive 2s", "tcp keepalive 2s only"};
            try {
                for (Library lib : new Library[]{Library.JSCH_MWIEDE, Library.SSHD}) {
                    String app = lib.isJsch() ? "JschIdleThenExec" : "MinaIdleThenExec";
                    apps.add(Bench.app(app, lib, Bench.defaultJdk()).args(args).start());
                    apps.add(Bench.withAgent(Bench.app(app, lib, Bench.defaultJdk()), sshKeepalive).args(args).start());
                    apps.add(Bench.withAgent(Bench.app(app, lib, Bench.defaultJdk()), tcpOnly).args(args).start());
                }
                for (ForkedJvm a : apps) {
                    try {
                        a.awaitLine(Pattern.compile("^(READY idle|RESULT )"), 120_000);
                    } catch (TimeoutException e) {
                        // an app without the agent has no connect timeout: a handshake that stalls for longer than the
                        // flow timeout (a very loaded machine) is forgotten, and hangs
                        throw new AssertionError(a.name() + " has not connected its sessions in 120 s\n" + firewall.describe()
                                + "\nsshd:\n" + sshd.log(), e);
                    }
                }
                // the flow timeout is really applied: every established flow has at most 5 s left, not 5 days
                List<Integer> secondsLeft = firewall.establishedFlowsSecondsLeft();
                assertThat(secondsLeft).as(firewall.describe()).isNotEmpty()
                        .allSatisfy(left -> assertThat(left).isLessThanOrEqualTo(FLOW_TIMEOUT_S));
                for (int i = 0; i < apps.size(); i++) {
                    ForkedJvm a = apps.get(i);
                    a.awaitExit(IDLE_S * 1000L + 90_000);
                    String what = (i < 3 ? "JSch" : "MINA") + " " + labels[i % 3];
                    Measurements.record("forgetful firewall (5 s), " + SESSIONS + " sessions idle " + IDLE_S + " s, survived, " + what,
                            Long.parseLong(a.result().getOrDefault("survived", "-1")));
                }
                for (int i = 0; i < apps.size(); i++) {
                    ForkedJvm a = apps.get(i);
                    assertThat(a.result()).as(a.output()).containsEntry("status", "ok");
                    if (i % 3 == 0) {
                        assertThat(a.result().get("survived")).as("control: the firewall forgot the idle flows\n" + a.output()).isEqualTo("0");
                    } else {
                        assertThat(a.result().get("survived")).as(labels[i % 3] + "\n" + a.output()).isEqualTo(String.valueOf(SESSIONS));
                    }
                }
            } finally {
                apps.forEach(ForkedJvm::close);
            }
        }
    }
}
