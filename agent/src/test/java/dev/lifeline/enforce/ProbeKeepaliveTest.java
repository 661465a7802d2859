package dev.lifeline.enforce;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The tick logic of Lifeline's sshj keepalive ({@link ProbeKeepalive}) over a fake connection: time, packets from the
 * peer and sends are the test's (a clock in milliseconds, a "pool" run by hand), so each case is exact and instant.
 */
class ProbeKeepaliveTest {
    private static final long MS = 1000000L;

    /** A connection whose packets the test decides; an answering peer's reply arrives when its probe is sent. */
    static final class FakeLink implements ProbeKeepalive.Link {
        final AtomicLong clock;
        volatile boolean closed;
        volatile boolean ready = true;
        volatile boolean answering;
        volatile long lastPacket;
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger dead = new AtomicInteger();
        volatile long silentMillis = -1;
        volatile CountDownLatch blockSends;

        FakeLink(AtomicLong clock) {
            this.clock = clock;
            this.lastPacket = clock.get();
        }

        @Override
        public boolean closed() {
            return closed;
        }

        @Override
        public boolean ready() {
            return ready;
        }

        @Override
        public long lastPacketNanos() {
            return lastPacket;
        }

        @Override
        public void send() throws Exception {
            CountDownLatch b = blockSends;
            if (b != null) {
                b.await();
            }
            sent.incrementAndGet();
            if (answering) {
                packet();
            }
        }

        /** A packet from the peer, now. */
        void packet() {
            lastPacket = clock.get() + 1; // just after whatever the tick decided at this instant
        }

        @Override
        public void dead(long intervalMillis, int countMax, long silentMillis) {
            this.silentMillis = silentMillis;
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

    /** Ticks as the deadline thread would: each at the time the previous one asked for. */
    static final class Ticker {
        final AtomicLong clock;
        final ProbeKeepalive k;
        final ManualPool pool;
        long next;

        Ticker(AtomicLong clock, ProbeKeepalive k, ManualPool pool) {
            this.clock = clock;
            this.k = k;
            this.pool = pool;
            this.next = k.intervalMillis; // the first tick: one interval after the start
        }

        /** Advances to the next tick, runs it and the sends it queued; @return the tick's time in ms from the start */
        long tick() throws Exception {
            clock.addAndGet(next * MS);
            next = k.tick(clock.get());
            pool.runAll();
            return clock.get() / MS;
        }
    }

    @Test
    void aSilentPeerIsDeclaredDeadAfterIntervalTimesCountMaxPlusOneOfSilence() throws Exception {
        AtomicLong clock = new AtomicLong();
        FakeLink link = new FakeLink(clock);
        ManualPool pool = new ManualPool();
        ProbeKeepalive k = new ProbeKeepalive(1000, 3, link, pool);
        Ticker t = new Ticker(clock, k, pool);
        for (int probe = 1; probe <= 3; probe++) {
            assertThat(t.tick()).isEqualTo(1000L * probe);
            assertThat(link.dead).hasValue(0);
            assertThat(k.outstanding()).isEqualTo(probe);
        }
        assertThat(t.tick()).isEqualTo(4000); // 3 probes unanswered and one more interval: as OpenSSH and JSch
        assertThat(link.dead).hasValue(1);
        assertThat(link.silentMillis).isEqualTo(4000);
        assertThat(k.stopped()).isTrue();
        assertThat(k.tick(clock.get() + 1000 * MS)).isEqualTo(-1);
        assertThat(link.dead).hasValue(1);
        assertThat(link.sent).hasValue(3);
    }

    @Test
    void anAnsweringPeerIsNeverDeclaredDead() throws Exception {
        AtomicLong clock = new AtomicLong();
        FakeLink link = new FakeLink(clock);
        link.answering = true;
        ManualPool pool = new ManualPool();
        ProbeKeepalive k = new ProbeKeepalive(1000, 3, link, pool);
        Ticker t = new Ticker(clock, k, pool);
        for (int tick = 0; tick < 50; tick++) {
            t.tick();
        }
        assertThat(link.dead).hasValue(0);
        assertThat(link.sent.get()).isBetween(20, 50);
    }

    /**
     * Issue 25 item 3: a server that streams output and never answers keepalive requests is alive; any packet resets
     * the count, as in OpenSSH's client, and no probe goes out while packets arrive within every interval.
     */
    @Test
    void aPeerThatStreamsButNeverAnswersProbesIsAliveAndIsNotProbed() throws Exception {
        AtomicLong clock = new AtomicLong();
        FakeLink link = new FakeLink(clock);
        ManualPool pool = new ManualPool();
        ProbeKeepalive k = new ProbeKeepalive(1000, 3, link, pool);
        long next = 1000;
        for (long ms = 200; ms <= 60_000; ms += 200) { // a line every 200 ms for a minute
            clock.set(ms * MS);
            link.packet();
            if (ms >= next) {
                next = ms + k.tick(clock.get());
            }
        }
        assertThat(link.dead).hasValue(0);
        assertThat(link.sent).hasValue(0);
        // the stream stops: the last packet at 60 s, the verdict at 64 s
        Ticker t = new Ticker(clock, k, pool);
        t.next = next - 60_000;
        while (link.dead.get() == 0) {
            t.tick();
        }
        assertThat(clock.get() / MS).isBetween(64_000L, 64_001L);
        assertThat(link.silentMillis).isBetween(3999L, 4001L); // the last line came 1 ns after 60 s
        assertThat(link.sent).hasValue(3);
    }

    /**
     * A packet between probes (two unanswered probes, then output) starts the count again; the next probe goes at the
     * next whole second, as OpenSSH's {@code monotime() + interval} schedules it, and the verdict comes 3.7 s after
     * the packet at 2.3 s.
     */
    @Test
    void anyPacketAnswersEveryProbeSentBeforeIt() throws Exception {
        AtomicLong clock = new AtomicLong();
        FakeLink link = new FakeLink(clock);
        ManualPool pool = new ManualPool();
        ProbeKeepalive k = new ProbeKeepalive(1000, 3, link, pool);
        Ticker t = new Ticker(clock, k, pool);
        t.tick();
        t.tick();
        assertThat(k.outstanding()).isEqualTo(2);
        clock.addAndGet(300 * MS);
        link.packet();
        t.next -= 300;
        assertThat(t.tick()).isEqualTo(3000); // the two probes answered by the packet; a first one since it
        assertThat(k.outstanding()).isEqualTo(1);
        assertThat(t.next).isEqualTo(1000);
        t.tick();
        t.tick();
        assertThat(k.outstanding()).isEqualTo(3);
        assertThat(link.dead).hasValue(0);
        assertThat(t.tick()).isEqualTo(6000);
        assertThat(link.dead).hasValue(1);
        assertThat(link.silentMillis).isEqualTo(3699); // the packet came 1 ns after 2.3 s
        assertThat(link.sent).hasValue(5);
    }

    /**
     * OpenSSH's clock (issue 25): the client's next check is at {@code monotime() + interval}, whole seconds, so the
     * verdict on a peer that fell silent comes between {@code interval × countMax} and {@code interval × (countMax + 1)}
     * after its last packet, wherever in a second that packet came; never sooner, never later.
     */
    @Test
    void theVerdictComesOnOpenSshsWholeSecondsWhereverTheLastPacketFell() throws Exception {
        for (long interval : new long[]{1000, 2000}) {
            for (long offset = 0; offset < 1000; offset += 50) {
                AtomicLong clock = new AtomicLong(7_000 * MS);
                FakeLink link = new FakeLink(clock);
                ManualPool pool = new ManualPool();
                ProbeKeepalive k = new ProbeKeepalive(interval, 3, link, pool);
                Ticker t = new Ticker(clock, k, pool);
                t.tick(); // answered below: the peer is heard from at 7 s + interval + offset, then never again
                clock.addAndGet(offset * MS);
                t.next -= offset;
                link.packet();
                long heard = clock.get();
                while (link.dead.get() == 0) {
                    t.tick();
                }
                long verdict = clock.get();
                assertThat(verdict % (1000 * MS)).as("on a whole second, offset " + offset).isZero();
                assertThat(verdict - heard).as("interval " + interval + ", offset " + offset)
                        .isGreaterThan(interval * 3 * MS).isLessThanOrEqualTo(interval * 4 * MS);
                assertThat(link.sent).as("probes, offset " + offset).hasValue(1 + 3);
            }
        }
    }

    /** An interval under a second, which OpenSSH cannot express, counts from the packet's exact instant. */
    @Test
    void anIntervalUnderASecondCountsFromTheExactPacket() throws Exception {
        AtomicLong clock = new AtomicLong(7_300 * MS);
        FakeLink link = new FakeLink(clock);
        ManualPool pool = new ManualPool();
        ProbeKeepalive k = new ProbeKeepalive(400, 3, link, pool);
        Ticker t = new Ticker(clock, k, pool);
        while (link.dead.get() == 0) {
            t.tick();
        }
        assertThat(clock.get() / MS).isEqualTo(7_300 + 1_600);
        assertThat(link.silentMillis).isEqualTo(1600);
    }

    /** A send stuck in sshj (its write lock held by a writer stuck on the dead peer) counts as a miss each tick. */
    @Test
    void aSendStuckInTheTransportCountsAsUnansweredAndNoSecondSendIsQueued() throws Exception {
        AtomicLong clock = new AtomicLong();
        FakeLink link = new FakeLink(clock);
        link.blockSends = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        ProbeKeepalive k = new ProbeKeepalive(1000, 3, link, r -> {
            Thread t = new Thread(r, "stuck-send");
            t.setDaemon(true);
            threads.add(t);
            t.start();
        });
        clock.addAndGet(1000 * MS);
        k.tick(clock.get());
        await().atMost(Duration.ofSeconds(5)).until(() -> threads.get(0).getState() == Thread.State.WAITING);
        clock.addAndGet(1000 * MS);
        k.tick(clock.get());
        clock.addAndGet(1000 * MS);
        k.tick(clock.get());
        assertThat(threads).hasSize(1);
        assertThat(link.dead).hasValue(0);
        clock.addAndGet(1000 * MS);
        k.tick(clock.get());
        assertThat(link.dead).hasValue(1);
        link.blockSends.countDown();
        threads.get(0).join(5000);
        assertThat(threads.get(0).isAlive()).isFalse();
    }

    /** A send still waiting for a pool thread (other connections' sends ahead of it) says nothing about this peer. */
    @Test
    void aSendNotYetStartedIsNoEvidenceAgainstThePeer() throws Exception {
        AtomicLong clock = new AtomicLong();
        FakeLink link = new FakeLink(clock);
        ManualPool pool = new ManualPool();
        ProbeKeepalive k = new ProbeKeepalive(1000, 3, link, pool);
        for (int tick = 0; tick < 10; tick++) {
            clock.addAndGet(1000 * MS);
            k.tick(clock.get());
        }
        assertThat(pool.queued).hasSize(1);
        assertThat(link.dead).hasValue(0);
    }

    @Test
    void nothingIsSentBeforeAuthenticationAndAClosedConnectionStopsTheTicks() throws Exception {
        AtomicLong clock = new AtomicLong();
        FakeLink link = new FakeLink(clock);
        link.ready = false;
        ManualPool pool = new ManualPool();
        ProbeKeepalive k = new ProbeKeepalive(1000, 3, link, pool);
        for (int tick = 0; tick < 5; tick++) {
            clock.addAndGet(1000 * MS);
            assertThat(k.tick(clock.get())).isEqualTo(1000);
        }
        assertThat(pool.queued).isEmpty();
        link.closed = true;
        k.tick(clock.get());
        assertThat(k.stopped()).isTrue();
        assertThat(link.dead).hasValue(0);
    }

    @Test
    void aThousandConnectionsOpenedAndClosedLeaveNoTickBehind() throws Exception {
        int before = ProbeKeepalive.live();
        int periodicBefore = DeadlineScheduler.periodic();
        List<FakeLink> closedByTransport = new ArrayList<>();
        AtomicLong clock = new AtomicLong(System.nanoTime());
        for (int i = 0; i < 1000; i++) {
            FakeLink link = new FakeLink(clock);
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
        assertThat(closedByTransport).allMatch(l -> l.sent.get() == 0 && l.dead.get() == 0);
    }

    @Test
    void ticksRunOnTheDeadlineThreadAndDeclareASilentPeerDead() {
        FakeLink link = new FakeLink(new AtomicLong(System.nanoTime()));
        ProbeKeepalive k = ProbeKeepalive.start("test", 50, 3, link);
        await().atMost(Duration.ofSeconds(5)).until(() -> link.dead.get() == 1);
        assertThat(k.stopped()).isTrue();
        assertThat(link.sent).hasValue(3);
        assertThat(link.silentMillis).isGreaterThanOrEqualTo(200);
    }
}
