package dev.lifeline;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 7: the configuration file is re-read when it changes; a bad file is rejected whole and the old policy kept.
 * Issue 13: an agent disabled by a bad file becomes active when the file turns valid; settings that fall back to their
 * defaults are named; attaching again switches to the new file (or keeps the active one when the new one is bad).
 */
class ConfigReloadIT {
    @TempDir
    Path dir;

    private ForkedJvm child;

    @AfterEach
    void stop() throws Exception {
        if (child != null) {
            child.close();
        }
    }

    private String stderr() throws Exception {
        return new String(Files.readAllBytes(dir.resolve("stderr.txt")), StandardCharsets.UTF_8);
    }

    private void write(Path file, String text) throws Exception {
        // a later modification time even on coarse file systems: size changes too
        Files.write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    private String stdout() throws Exception {
        return new String(Files.readAllBytes(dir.resolve("stdout.txt")), StandardCharsets.UTF_8);
    }

    /** StayAlive with the agent; returns once main runs (premain, and so the watch, came first). */
    private void startApp(Path config) throws Exception {
        child = ForkedJvm.builder("dev.lifeline.hello.StayAlive").agentArgs(config.toString()).keepStdin().outputIn(dir).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> stdout().contains("ready"));
    }

    @Test
    void aChangedFileIsAppliedAndABadOneIsRejectedWhole() throws Exception {
        Path config = dir.resolve("lifeline.properties");
        write(config, "config.reloadInterval = 200ms\nkeepalive.interval = 15s\n");
        startApp(config);

        write(config, "config.reloadInterval = 200ms\nmode = off\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> stderr().contains("event=config.replaced via=reload mode=off previous_mode=fill"));

        write(config, "config.reloadInterval = 200ms\nmode = fill\nkeepalive.interval = soon\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> stderr().contains("event=config.reload-rejected"));
        assertThat(stderr()).contains("keepalive.interval").doesNotContain("mode=fill previous_mode=off");
        assertThat(child.isAlive()).isTrue();
    }

    @Test
    void anAgentDisabledByABadFileBecomesActiveWhenTheFileIsFixedAndRevertedSettingsAreNamed() throws Exception {
        Path config = dir.resolve("lifeline.properties");
        write(config, "config.reloadInterval = 200ms\nkeepalive.interval = soon\n");
        startApp(config);
        await().atMost(Duration.ofSeconds(30)).until(() -> stderr().contains("event=agent.disabled"));
        assertThat(stderr()).contains("event=config.invalid").contains("keepalive.interval");

        write(config, "config.reloadInterval = 200ms\nkeepalive.interval = 5s\nkeepalive.countMax = 7\n"
                + "host.lab.match = *.lab\nhost.lab.keepalive.interval = 3s\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> stderr().contains("event=agent.enabled via=reload mode=fill file=" + config));
        assertThat(stderr()).as("one event, one line").doesNotContain("event=config.replaced via=reload mode=fill");

        // both settings go back to their defaults: one warn line each, nothing for what did not change
        write(config, "config.reloadInterval = 200ms\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> stderr().contains("event=config.reverted key=keepalive.countMax"));
        assertThat(stderr()).contains("level=warn event=config.reverted key=keepalive.interval from=5s to=15s source=default was_from=" + config + ":2")
                .containsOnlyOnce("event=config.reverted key=keepalive.interval")
                .doesNotContain("event=config.reverted key=config.reloadInterval")
                .contains("level=warn event=config.rule-removed rule=lab match=*.lab");
        assertThat(child.isAlive()).isTrue();
    }

    private int count(String text) throws Exception {
        String all = stderr();
        int n = 0;
        for (int i = all.indexOf(text); i >= 0; i = all.indexOf(text, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void aReloadLogsTheWarningsItsEditBroughtAndNotAgainThoseThatStay() throws Exception {
        Path config = dir.resolve("lifeline.properties");
        write(config, "config.reloadInterval = 200ms\n");
        child = ForkedJvm.builder("dev.lifeline.hello.StayAlive").agentArgs(config.toString()).jvmArgs("-Dlifeline.bogus=1")
                .keepStdin().outputIn(dir).start();
        await().atMost(Duration.ofSeconds(30)).until(() -> stdout().contains("ready"));
        assertThat(stderr()).containsOnlyOnce("event=config.unknown-property name=lifeline.bogus");

        // the edit adds a rule that can never match: said at this reload, once
        write(config, "config.reloadInterval = 200ms\nhost.lab.match = !*.lab\nhost.lab.keepalive.interval = 3s\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> count("event=config.replaced via=reload") == 1);
        assertThat(stderr()).containsOnlyOnce("event=config.rule-never-matches name=host.lab.match")
                .containsOnlyOnce("event=config.unknown-property");

        // another edit that keeps both: neither is said again
        write(config, "config.reloadInterval = 200ms\nhost.lab.match = !*.lab\nhost.lab.keepalive.interval = 4s\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> count("event=config.replaced via=reload") == 2);
        assertThat(stderr()).containsOnlyOnce("event=config.rule-never-matches").containsOnlyOnce("event=config.unknown-property");
        assertThat(child.isAlive()).isTrue();
    }

    private static void attach(long pid, String agentArgs) throws Exception {
        com.sun.tools.attach.VirtualMachine vm = com.sun.tools.attach.VirtualMachine.attach(Long.toString(pid));
        try {
            vm.loadAgent(AgentJarIT.agentJar().toAbsolutePath().toString(), agentArgs);
        } finally {
            vm.detach();
        }
    }

    @Test
    void attachingAgainSwitchesToAValidFileAndKeepsTheActiveOneWhenTheNewOneIsBad() throws Exception {
        Path first = dir.resolve("first.properties");
        write(first, "keepalive.interval = 15s\n");
        startApp(first);

        Path second = dir.resolve("second.properties");
        write(second, "mode = audit\nconfig.reloadInterval = 200ms\n");
        attach(child.pid(), second.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> stderr().contains("event=agent.reconfigured"));
        assertThat(stderr()).containsOnlyOnce("event=agent.reconfigured")
                .contains("event=agent.reconfigured via=attach file=" + second + " previous_file=" + first
                        + " previous_mode=fill result=\"ok: mode=audit file=" + second)
                .doesNotContain("event=config.replaced via=attach")
                .doesNotContain("agent.already-running");

        // the new file is the one watched now
        write(second, "mode = off\nconfig.reloadInterval = 200ms\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> stderr().contains("event=config.replaced via=reload mode=off previous_mode=audit"));

        Path bad = dir.resolve("bad.properties");
        write(bad, "mode = sometimes\n");
        attach(child.pid(), bad.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> stderr().contains("event=agent.attach-rejected"));
        assertThat(stderr()).contains("event=agent.attach-rejected file=" + bad + " reason=\"rejected: 1 error; the active configuration is kept\" action=\"active configuration kept\"")
                .contains("mode = \\\"sometimes\\\"").doesNotContain("event=config.reload-rejected");
        assertThat(child.isAlive()).isTrue();
    }

    @Test
    void attachingAValidFileToAnAgentDisabledByABadOneEnablesIt() throws Exception {
        Path bad = dir.resolve("bad.properties");
        write(bad, "keepalive.interval = soon\n");
        startApp(bad);
        await().atMost(Duration.ofSeconds(30)).until(() -> stderr().contains("event=agent.disabled"));

        Path good = dir.resolve("good.properties");
        write(good, "mode = enforce\n");
        attach(child.pid(), good.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> stderr().contains("event=agent.reconfigured"));
        assertThat(stderr()).contains("event=agent.reconfigured via=attach file=" + good + " previous_file=" + bad
                        + " previous_mode=disabled result=\"ok: mode=enforce file=" + good + " rules=0; instrumentation installed now\"")
                .doesNotContain("event=agent.enabled");
        assertThat(child.isAlive()).isTrue();
    }
}
