package dev.lifeline.enforce;

import dev.lifeline.config.Config;
import dev.lifeline.policy.Policies;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 22, item 9: after a reload to {@code mode = off}, an exec deadline armed before it fired anyway (16 s later,
 * citing the line that now read {@code mode = off}). Now it stands down, with one line: at once when the runtime says
 * the configuration changed, or when it comes due.
 */
class DeadlineStandDownTest {
    private volatile Config config;
    private final PrintStream stderr = System.err;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private void useConfig(String args) {
        config = Config.load(args, Collections.emptyMap(), Collections.emptyMap());
        Policies.use(new Policies.Source() {
            @Override
            public Config config() {
                return config;
            }

            @Override
            public boolean active() {
                return true;
            }
        });
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void reset() {
        Policies.use(null);
        System.setErr(stderr);
    }

    private String log() {
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aDeadlineThatComesDueUnderModeOffStandsDownWithOneLine() {
        useConfig("mode=fill,exec.timeout=1s,exec.killGrace=100ms");
        // loaded before the deadline is armed: a first Config.load in a JVM can take longer than the deadline
        Config off = Config.load("mode=off,exec.timeout=1s", Collections.emptyMap(), Collections.emptyMap());
        Object channel = new Object();
        ExecDeadlineStateTest.FakeChannel fake = new ExecDeadlineStateTest.FakeChannel();
        int watched = ExecDeadline.watched();
        ExecDeadline.started(channel, fake, config.policyFor("h", null, 22), "test", null);
        int armed = ExecDeadline.watched();
        config = off; // the reload, well before the deadline (the first AssertJ call in a JVM alone can take 300 ms)
        assertThat(armed).isEqualTo(watched + 1);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(ExecDeadline.watched())
                .as("%s / %s", log(), fake.actions).isEqualTo(watched));
        assertThat(fake.actions).isEmpty();
        assertThat(ExecDeadline.endedByDeadline(channel)).isFalse();
        assertThat(log()).contains("event=exec.deadline-stood-down lib=test host=h port=22")
                .contains("armed=\"exec.timeout=1s (agent argument)\"").contains("reason=\"mode=off now (agent argument");
        assertThat(log().split("exec.deadline-stood-down", -1)).hasSize(2);
    }

    @Test
    void theRuntimeStandsThemDownAtTheReloadItself() {
        useConfig("mode=fill,exec.timeout=1h");
        Object channel = new Object();
        ExecDeadlineStateTest.FakeChannel fake = new ExecDeadlineStateTest.FakeChannel();
        int pending = DeadlineScheduler.pending();
        ExecDeadline.started(channel, fake, config.policyFor("h", null, 22), "test", null);
        assertThat(ExecDeadline.standDownWhereOff()).as("mode still fill").isZero();
        config = Config.load("mode=off", Collections.emptyMap(), Collections.emptyMap());
        assertThat(ExecDeadline.standDownWhereOff()).isEqualTo(1);
        assertThat(ExecDeadline.standDownWhereOff()).as("once").isZero();
        assertThat(DeadlineScheduler.pending()).isEqualTo(pending);
        assertThat(log().split("exec.deadline-stood-down", -1)).hasSize(2);
        assertThat(fake.actions).isEmpty();
    }

    @Test
    void aCloseDeadlineStandsDownToo() {
        useConfig("mode=fill,close.timeout=1s");
        Config off = Config.load("mode=off", Collections.emptyMap(), Collections.emptyMap());
        boolean[] forced = new boolean[1];
        CloseDeadline.arm("session.close", config.policyFor("h", null, 22), "test", () -> forced[0] = true);
        config = off;
        await().atMost(Duration.ofSeconds(5)).until(() -> log().contains("event=close.deadline-stood-down"));
        assertThat(forced[0]).isFalse();
    }
}
