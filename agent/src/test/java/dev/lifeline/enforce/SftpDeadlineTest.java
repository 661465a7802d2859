package dev.lifeline.enforce;

import dev.lifeline.config.Config;
import dev.lifeline.policy.Policies;
import dev.lifeline.report.Counters.Counter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static dev.lifeline.enforce.ExecDeadlineStateTest.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code sftp.timeout} against a fake SFTP channel, on a {@link ManualClock}: a request answered in time leaves
 * nothing behind; one that is not fails with an exception naming Lifeline and the limit, closes the channel once, and
 * counts once however many requests waited on the channel; audit only logs.
 */
class SftpDeadlineTest {
    /** What the deadline did to the channel, in order. */
    static final class FakeSftp implements SftpDeadline.SftpControl {
        final List<String> actions = new CopyOnWriteArrayList<>();

        @Override
        public void failRequest(IOException why) {
            actions.add("fail:" + why.getMessage());
        }

        @Override
        public void closeChannel() {
            actions.add("close");
        }
    }

    private ManualClock clock;

    @BeforeEach
    void manualClock() {
        clock = ManualClock.install();
    }

    @AfterEach
    void systemClock() {
        clock.close();
    }

    @Test
    void offByDefault() {
        assertThat(SftpDeadline.applies(policy(""))).isFalse();
        assertThat(SftpDeadline.started(null, new Object(), new FakeSftp(), policy(""), "test", "response")).isNull();
        assertThat(SftpDeadline.applies(policy("mode=off,sftp.timeout=1s"))).isFalse();
    }

    @Test
    void aRequestAnsweredInTimeLeavesNothingBehind() throws Exception {
        int pending = DeadlineScheduler.pending();
        FakeSftp fake = new FakeSftp();
        Object channel = new Object();
        Object handle = SftpDeadline.started(null, channel, fake, policy("sftp.timeout=100ms"), "test", "response");
        assertThat(handle).isNotNull();
        assertThat(SftpDeadline.describe(channel)).singleElement().asString().startsWith("response waiting").contains("sftp.timeout=100ms");
        assertThat(SftpDeadline.answered(handle)).isNull();
        clock.advanceAndSettle(200);
        assertThat(fake.actions).isEmpty();
        assertThat(SftpDeadline.describe(channel)).isEmpty();
        // at most as many as before: a deadline another test class left behind may expire while the clock advances
        assertThat(DeadlineScheduler.pending()).isLessThanOrEqualTo(pending);
    }

    @Test
    void aStallFailsEveryWaitingRequestClosesTheChannelOnceAndCountsOnce() throws Exception {
        long fired = Counter.SFTP_DEADLINES_FIRED.get();
        FakeSftp fake = new FakeSftp();
        Object channel = new Object();
        Object promise = new Object();
        Object first = SftpDeadline.started(null, channel, fake, policy("sftp.timeout=100ms"), "test", "response");
        Object second = SftpDeadline.started(promise, channel, fake, policy("sftp.timeout=100ms"), "test", "write");
        assertThat(second).isSameAs(promise);
        clock.advanceAndSettle(110);
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.actions.contains("close"));
        assertThat(fake.actions).hasSize(3).endsWith("close");
        assertThat(fake.actions.get(0)).startsWith("fail:Lifeline: no SFTP response within sftp.timeout=100ms");
        assertThat(Counter.SFTP_DEADLINES_FIRED.get()).isEqualTo(fired + 1);

        IOException e = SftpDeadline.answered(first);
        assertThat(e).hasMessageContaining("Lifeline").hasMessageContaining("sftp.timeout=100ms");
        assertThat(SftpDeadline.answered(promise)).isNotNull();
        assertThat(SftpDeadline.answered(first)).as("once").isNull();

        // a request made on the closed channel afterwards fails at once, without another count or close
        FakeSftp later = new FakeSftp();
        Object again = SftpDeadline.started(null, channel, later, policy("sftp.timeout=100ms"), "test", "response");
        clock.settle();
        await().atMost(Duration.ofSeconds(10)).until(() -> !later.actions.isEmpty());
        assertThat(later.actions).singleElement().asString().startsWith("fail:Lifeline");
        assertThat(SftpDeadline.answered(again)).isNotNull();
        assertThat(Counter.SFTP_DEADLINES_FIRED.get()).isEqualTo(fired + 1);

        // its wait ended before the deadline's check ran (JSch's read sees the closed pipe at once): the same exception
        Object quick = SftpDeadline.started(null, channel, new FakeSftp(), policy("sftp.timeout=100ms"), "test", "response");
        assertThat(SftpDeadline.answered(quick)).hasMessageContaining("Lifeline");
        assertThat(Counter.SFTP_DEADLINES_FIRED.get()).isEqualTo(fired + 1);
    }

    /**
     * sshj's wait for its window: only an interrupt ends it, and the channel's close may itself wait for the stalled
     * server. The waiter is interrupted before the close (still blocked here), and the flag is cleared as it fails.
     */
    @Test
    void aWaitOnlyAnInterruptEndsIsInterruptedBeforeTheClose() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        SftpDeadline.SftpControl control = new SftpDeadline.SftpControl() {
            @Override
            public void failRequest(IOException why) {
            }

            @Override
            public void closeChannel() throws Exception {
                release.await(30, TimeUnit.SECONDS);
            }

            @Override
            public boolean interruptFirst() {
                return true;
            }
        };
        CountDownLatch armed = new CountDownLatch(1);
        AtomicReference<IOException> failed = new AtomicReference<>();
        AtomicBoolean flagAfter = new AtomicBoolean(true);
        Thread waiter = new Thread(() -> {
            Object h = SftpDeadline.started(null, new Object(), control, policy("sftp.timeout=100ms"), "test", "write");
            armed.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // as sshj does: the flag set again
            }
            failed.set(SftpDeadline.answered(h));
            flagAfter.set(Thread.currentThread().isInterrupted());
        });
        try {
            waiter.start();
            assertThat(armed.await(10, TimeUnit.SECONDS)).isTrue();
            clock.advanceAndSettle(110);
            waiter.join(10_000);
            assertThat(waiter.isAlive()).as("woken while the close still waits").isFalse();
            assertThat(failed.get()).hasMessageContaining("Lifeline").hasMessageContaining("sftp.timeout=100ms");
            assertThat(flagAfter.get()).as("Lifeline's interrupt, cleared: not the app's").isFalse();
        } finally {
            release.countDown();
            waiter.interrupt();
        }
    }

    @Test
    void auditOnlyCounts() throws Exception {
        long audited = Counter.SFTP_DEADLINES_AUDITED.get();
        long fired = Counter.SFTP_DEADLINES_FIRED.get();
        FakeSftp fake = new FakeSftp();
        Object handle = SftpDeadline.started(null, new Object(), fake, policy("mode=audit,sftp.timeout=100ms"), "test", "response");
        clock.advanceAndSettle(110);
        assertThat(Counter.SFTP_DEADLINES_AUDITED.get()).isEqualTo(audited + 1);
        assertThat(SftpDeadline.answered(handle)).as("the call goes on as without Lifeline").isNull();
        assertThat(fake.actions).isEmpty();
        assertThat(Counter.SFTP_DEADLINES_FIRED.get()).isEqualTo(fired);
    }

    /** The hooks' first test: a configuration that sets sftp.timeout nowhere costs them no reflection. */
    @Test
    void configuredOnlyWhereAKeyOrARuleSetsIt() {
        try {
            for (String[] c : new String[][] {{"", "false"}, {"sftp.timeout=0", "false"}, {"sftp.timeout=30s", "true"},
                    {"host.files.match=*.files,host.files.sftp.timeout=1m", "true"}}) {
                Config config = Config.load(c[0], Collections.emptyMap(), Collections.emptyMap());
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
                assertThat(SftpDeadline.configured()).as(c[0]).isEqualTo(Boolean.parseBoolean(c[1]));
            }
        } finally {
            Policies.use(null);
        }
        assertThat(SftpDeadline.configured()).as("inactive").isFalse();
    }
}
