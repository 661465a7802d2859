package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.lifeline.bench.JschKeepaliveTest.BOUND_MS;
import static dev.lifeline.bench.JschKeepaliveTest.KEEPALIVE_1S_X3;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A JSch session through an app's own {@code Proxy} that gives JSch no socket ({@code getSocket()} returns null, as a
 * ProxyCommand or a jump host's channel does): JSch sets no read timeout, so its keepalive never runs and a dead path
 * leaves the app blocked for good. Under the agent, Lifeline's own probes end it within the keepalive's bound, and the
 * session's log line says JSch's interval is inert. Through JSch's ProxyHTTP (a socket) JSch's own keepalive works.
 */
class JschSocketlessProxyTest {
    private static final String SOCKETLESS = "-Dsample.socketlessProxy=true";

    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().requires(PacketDrop::available, "needs root and nft").build();

    /**
     * The control: without the agent the session stays blocked well past the bound the agent is held to. Then the same
     * JVM is attached (a session found at attach through such a proxy gets the same probes) and gives up within it.
     */
    @Test
    void blockedWithoutTheAgentUntilAnAttachEndsIt(@TempDir Path dir) throws Exception {
        Path config = Files.write(dir.resolve("lifeline.properties"),
                "keepalive.interval = 1s\nkeepalive.countMax = 3\n".getBytes(StandardCharsets.UTF_8));
        try (ForkedJvm app = Bench.app("JschIdleShell", Library.JSCH_MWIEDE, Bench.defaultJdk()).jvmArg(SOCKETLESS)
                .args(SSHD.server().target()).start()) {
            app.awaitLine(Pattern.compile("^READY idle"), 30_000);
            try (PacketDrop drop = PacketDrop.on(SSHD.server().port)) {
                await().during(Duration.ofMillis(BOUND_MS)).atMost(Duration.ofMillis(BOUND_MS + 2000)).until(app::isAlive);
                assertThat(app.result()).isEmpty();
                CompletableFuture<AgentCli> attach = CompletableFuture.supplyAsync(() -> {
                    try {
                        return AgentCli.run("attach", String.valueOf(app.pid()), config.toString());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                app.awaitLine(Pattern.compile("event=attach\\.found-sessions"), 60_000);
                long attachedAt = System.nanoTime();
                app.awaitLine(Pattern.compile("^RESULT "), 60_000);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - attachedAt);
                Measurements.record("dead peer, JschIdleShell through a socketless proxy, woken after attach 1s x3", ms);
                assertThat(ms).isLessThanOrEqualTo(BOUND_MS);
                assertThat(app.stderr()).anyMatch(l -> l.contains("event=keepalive.declared-dead")
                        && l.contains("proxy closed and session disconnected by Lifeline"));
                attach.get(60, TimeUnit.SECONDS);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Library.class, names = {"JSCH_MWIEDE", "JSCH_JCRAFT"})
    void lifelinesProbesEndTheBlockedReadWithinTheKeepaliveBound(Library library) throws Exception {
        try (ForkedJvm app = Bench.withAgent(Bench.app("JschIdleShell", library, Bench.defaultJdk()), KEEPALIVE_1S_X3)
                .jvmArg(SOCKETLESS).args(SSHD.server().target()).start()) {
            long ms = PacketDrop.millisUntilAppGivesUp(app, "idle", SSHD.server().port);
            Measurements.record("dead peer, JschIdleShell through a socketless proxy " + library + " under agent 1s x3", ms);
            assertThat(app.result().get("status")).isIn("closed", "error");
            assertThat(ms).isLessThanOrEqualTo(BOUND_MS);
            assertThat(app.stderr()).anyMatch(l -> l.contains("event=session.configured")
                    && l.contains("keepalive.interval=1s(set,inert)") && l.contains("keepalive.countMax=3(set,inert)")
                    && l.contains("keepalive.probes=every 1s x3 by Lifeline") && l.contains("(set)"));
            String dead = app.stderr().stream().filter(l -> l.contains("event=keepalive.declared-dead")).findFirst()
                    .orElseThrow(() -> new AssertionError("no keepalive.declared-dead line: " + app.stderr()));
            assertThat(dead).contains("proxy closed and session disconnected by Lifeline").contains("countMax=3");
            Matcher silent = Pattern.compile("silent_ms=(\\d+)").matcher(dead);
            assertThat(silent.find()).as(dead).isTrue();
            // never on less silence than interval x countMax; about interval x (countMax + 1), ticks late under load
            assertThat(Long.parseLong(silent.group(1))).isBetween(3000L, 4000L + 1500L);
        }
    }

    /** Idle past interval x (countMax + 1) on a live path: the probes' replies are packets, so no verdict. */
    @Test
    void aLiveIdleSessionIsNotDeclaredDead() throws Exception {
        try (ForkedJvm app = Bench.withAgent(Bench.app("JschIdleExec", Library.JSCH_MWIEDE, Bench.defaultJdk()), KEEPALIVE_1S_X3)
                .jvmArg(SOCKETLESS).args(SSHD.server().target("5", "echo alive")).start()) {
            app.awaitExit(60_000);
            assertThat(app.result()).containsEntry("status", "ok").containsEntry("out", "alive");
            assertThat(app.stderr()).anyMatch(l -> l.contains("keepalive.probes=every 1s x3 by Lifeline"))
                    .noneMatch(l -> l.contains("event=keepalive.declared-dead"));
        }
    }

    /** JSch's ProxyHTTP hands JSch its socket: the read timeout is set on it, JSch's own keepalive runs, no probes. */
    @Test
    void throughProxyHttpJschsOwnKeepaliveRuns() throws Exception {
        try (HttpConnectProxy proxy = new HttpConnectProxy();
             ForkedJvm app = Bench.withAgent(Bench.app("JschIdleShell", Library.JSCH_MWIEDE, Bench.defaultJdk()), KEEPALIVE_1S_X3)
                     .jvmArg("-Dsample.httpProxy=127.0.0.1:" + proxy.port()).args(SSHD.server().target()).start()) {
            long ms = PacketDrop.millisUntilAppGivesUp(app, "idle", SSHD.server().port);
            assertThat(app.result().get("status")).isIn("closed", "error");
            assertThat(ms).isLessThanOrEqualTo(BOUND_MS);
            assertThat(app.stderr()).anyMatch(l -> l.contains("event=session.configured")
                    && l.contains("keepalive.interval=1s(set)") && !l.contains("inert") && !l.contains("keepalive.probes"));
            assertThat(app.stderr()).anyMatch(l -> l.contains("event=keepalive.declared-dead")
                    && l.contains("session ended by JSch"));
        }
    }
}
