package dev.lifeline.enforce;


import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The tick logic of Lifeline's sshj keepalive ({@link ProbeKeepalive}) over a fake connection: ticks by hand, sends run
 * by hand (the "pool"), so each case is exact and instant.
 */
class ProbeKeepaliveTest {

    /** A connection whose replies the test decides; the promise is a flag. */
    static final class FakeLink implements ProbeKeepalive.Link {
        volatile boolean closed;
        volatile boolean ready = true;
        volatile boolean answering;
        final List<AtomicBoolean> sent = new ArrayList<>();
        final AtomicInteger dead = new AtomicInteger();
        volatile CountDownLatch blockSends;

        @Override
        public boolean closed() {
            return closed;
        }

        @Override
        public boolean ready() {
            return ready;
        }

        @Override
        public Object send() throws Exception {
            CountDownLatch b = blockSends;
            if (b != null) {
                b.await();
            }
            AtomicBoolean reply = new AtomicBoolean(answering);
            synchronized (sent) {
                sent.add(reply);
            }
            return reply;
        }

        @Override
        public boolean answered(Object probe) {
            return ((AtomicBoolean) probe).get();
        }

        @Override
        public void dead(long intervalMillis, int countMax) {
            dead.incrementAndGet();
        }
    }

    /** The "pool": sends queue here and run when the test says. */
    static final class ManualPool implements java.util.concurrent.Executor {
        final List<Runnable> queued = new ArrayList<>();

        @Override
        public void execute(Runnable r) {
            queued.add(r);
        }

        void runAll() {
            List<Runnable> now = new ArrayList<>(queued);
            queued.clear();
            now.forEach(Runnable::run);
        }
    }

    @Test
    void aSilentPeerIsDeclaredDeadAtTheTickAfterCountMaxUnansweredProbes() throws Exception {
        FakeLink link = new FakeLink();
        ManualPool pool = new ManualPool();
        ProbeKeepalive k = new ProbeKeepalive(1000, 3, link, pool);
        for (int tick = 1; tick <= 3; tick++) {
            k.tick();
            pool.runAll();
            assertThat(link.dead).hasValue(0);
            assertThat(k.outstanding()).isEqualTo(tick);
        }
        k.tick(); // the 4th tick: 3 unanswered, as KeepAliveRunner (interval x countMax after the first probe)
        assertThat(link.dead).hasValue(1);
        assertThat(k.stopped()).isTrue();
        k.tick();
        assertThat(link.dead).hasValue(1);
        assertThat(link.sent).hasSize(3);
    }

    @Test
    void anAnsweringPeerIsNeverDeclaredDead() throws Exception {
        FakeLink link = new FakeLink();
        link.answering = true;
        ManualPool pool = new ManualPool();
        ProbeKeepalive k = new ProbeKeepalive(1000, 3, link, pool);
        for (int tick = 0; tick < 50; tick++) {
            k.tick();
            pool.runAll();
        }
        assertThat(link.dead).hasValue(0);
        assertThat(k.outstanding()).isEqualTo(1); // the last probe, answered, forgotten at the next tick
    }

    @Test
    void aLaterAnswerAnswersEveryOlderProbe() throws Exception {
        FakeLink link = new FakeLink();
        ManualPool pool = new ManualPool();
        ProbeKeepalive k = new ProbeKeepalive(1000, 3, link, pool);
        k.tick();
        pool.runAll();
        k.tick();
        pool.runAll();
        link.sent.get(1).set(true);
        k.tick();
        pool.runAll();
        assertThat(k.outstanding()).isEqualTo(1);
        assertThat(link.dead).hasValue(0);
    }

    /** A send stuck in sshj (its write lock held by a writer stuck on the dead peer) counts as a miss each tick. */
    @Test
    void aSendStuckInTheTransportCountsAsUnansweredAndNoSecondSendIsQueued() throws Exception {
        FakeLink link = new FakeLink();
        link.blockSends = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        ProbeKeepalive k = new ProbeKeepalive(1000, 3, link, r -> {
            Thread t = new Thread(r, "stuck-send");
            t.setDaemon(true);
            threads.add(t);
            t.start();
        });
        k.tick();
        await().atMost(Duration.ofSeconds(5)).until(() -> threads.get(0).getState() == Thread.State.WAITING);
        k.tick();
        k.tick();
        assertThat(threads).hasSize(1);
        assertThat(link.dead).hasValue(0);
        k.tick();
        assertThat(link.dead).hasValue(1);
        link.blockSends.countDown();
        threads.get(0).join(5000);
        assertThat(threads.get(0).isAlive()).isFalse();
    }

    /** A send still waiting for a pool thread (other connections' sends ahead of it) says nothing about this peer. */
    @Test
    void aSendNotYetStartedIsNoEvidenceAgainstThePeer() throws Exception {
        FakeLink link = new FakeLink();
        ManualPool pool = new ManualPool();
        ProbeKeepalive k = new ProbeKeepalive(1000, 3, link, pool);
        for (int tick = 0; tick < 10; tick++) {
            k.tick();
        }
        assertThat(pool.queued).hasSize(1);
        assertThat(link.dead).hasValue(0);
    }

    @Test
    void nothingIsSentBeforeAuthenticationAndAClosedConnectionStopsTheTicks() throws Exception {
        FakeLink link = new FakeLink();
        link.ready = false;
        ManualPool pool = new ManualPool();
        ProbeKeepalive k = new ProbeKeepalive(1000, 3, link, pool);
        for (int tick = 0; tick < 5; tick++) {
            k.tick();
        }
        assertThat(pool.queued).isEmpty();
        link.closed = true;
        k.tick();
        assertThat(k.stopped()).isTrue();
        assertThat(link.dead).hasValue(0);
    }

    @Test
    void aThousandConnectionsOpenedAndClosedLeaveNoTickBehind() throws Exception {
        int before = ProbeKeepalive.live();
        int periodicBefore = DeadlineScheduler.periodic();
        List<FakeLink> closedByTransport = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            FakeLink link = new FakeLink();
            ProbeKeepalive k = ProbeKeepalive.start("test", 20, 3, link);
            if (i % 2 == 0) {
                k.stop(); // disconnect()
            } else {
                link.closed = true; // the transport died otherwise: the next tick stops it
                closedByTransport.add(link);
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ProbeKeepalive.live() == before
                && DeadlineScheduler.periodic() == periodicBefore);
        assertThat(closedByTransport).allMatch(l -> l.sent.isEmpty() && l.dead.get() == 0);
    }

    @Test
    void ticksRunOnTheDeadlineThreadAndDeclareASilentPeerDead() {
        FakeLink link = new FakeLink();
        ProbeKeepalive k = ProbeKeepalive.start("test", 50, 3, link);
        await().atMost(Duration.ofSeconds(5)).until(() -> link.dead.get() == 1);
        assertThat(k.stopped()).isTrue();
        assertThat(link.sent).hasSize(3);
    }
}
