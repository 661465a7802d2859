package dev.lifeline.sessions;

import dev.lifeline.enforce.ManualClock;
import dev.lifeline.report.Counters;
import dev.lifeline.report.Log;
import org.apache.sshd.fake.BlockingCall;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The session registry with fake session objects: nothing outlives its session, and the watchdog reports once. */
class SessionRegistryTest {
    /** A session object as a library would have one. */
    static final class FakeSession {
        volatile boolean open = true;
        final Object channel = new Object();
    }

    static final LibraryView VIEW = new LibraryView() {
        @Override
        public boolean isOpen(Object session) {
            return ((FakeSession) session).open;
        }

        @Override
        public List<Object> channels(Object session) {
            return Arrays.asList(((FakeSession) session).channel);
        }

        @Override
        public String channelKind(Object channel) {
            return "exec";
        }

        @Override
        public String packagePrefix() {
            return "org.apache.sshd.";
        }
    };

    @AfterEach
    void clear() {
        SshSessions.OPEN.clear();
        Watchdog.threshold(0);
    }

    @Test
    void tenThousandOpenCloseCyclesLeaveNoEntry() {
        for (int i = 0; i < 10000; i++) {
            FakeSession s = new FakeSession();
            SshSessions.opened(s, "sshd", "h" + i, 22, VIEW);
            SshSessions.channelOpened(s.channel);
            SshSessions.packet(s);
            assertThat(SshSessions.open("sshd")).isEqualTo(1);
            SshSessions.closed(s);
        }
        assertThat(SshSessions.open()).isZero();
        assertThat(dev.lifeline.enforce.DeadlineScheduler.pending()).as("no watchdog tick queued without sessions").isZero();
        // channel ages are weakly held: once the channels are unreachable, the map empties
        await().atMost(10, TimeUnit.SECONDS).until(() -> {
            System.gc();
            return SshSessions.channelsRemembered() < 100;
        });
    }

    @Test
    void sessionsThatDieWithoutCloseAreDroppedByTheNextTick() {
        FakeSession[] all = new FakeSession[1000];
        for (int i = 0; i < all.length; i++) {
            all[i] = new FakeSession();
            SshSessions.opened(all[i], "jsch", "h", 22, VIEW);
        }
        FakeSession alive = all[7];
        for (FakeSession s : all) {
            s.open = s == alive;
        }
        Watchdog.tick();
        assertThat(SshSessions.open()).isEqualTo(1);
        alive.open = false;
        Watchdog.tick();
        assertThat(SshSessions.open()).isZero();
    }

    @Test
    void idleClockFollowsPackets() throws Exception {
        FakeSession s = new FakeSession();
        SshSessions.opened(s, "jsch", "h", 22, VIEW);
        await().until(() -> SshSessions.oldestIdleMillis() >= 300);
        long before = SshSessions.oldestIdleMillis();
        SshSessions.packet(s);
        assertThat(SshSessions.oldestIdleMillis()).as("restarted by the packet (not a fixed figure: a loaded machine may pause here)")
                .isLessThan(before);
        String table = SshSessions.table();
        assertThat(table).contains("1 session open").contains("#1 jsch h:22").contains("channel exec")
                .contains("deadline: none").contains("keepalive: n/a");
    }

    /**
     * Issue 22: a hook that failed at run time (reflection refused on the module path) left the sessions view saying
     * nothing; the table now names it above the sessions, since what it applies may be missing on any of them.
     */
    @Test
    void aHookThatFailedIsNamedAboveTheSessions() {
        SshSessions.opened(new FakeSession(), "jsch", "h", 22, VIEW);
        dev.lifeline.report.Faults.suppressed(execHookFailure());
        assertThat(SshSessions.table()).containsPattern("(?m)^NOT applied: \\d+ hooks? failed in this JVM, so what each"
                + " applies may be missing on any session below: .*SessionRegistryTest.execHookFailure:"
                + " java.lang.IllegalStateException: member refused\n");
    }

    private static RuntimeException execHookFailure() {
        return new IllegalStateException("member refused");
    }

    @Test
    void aBlockedThreadIsListedUnderTheSessionWhoseChannelItWaitsOn() throws Exception {
        FakeSession first = new FakeSession();
        FakeSession second = new FakeSession();
        SshSessions.opened(first, "sshd", "one", 22, VIEW);
        SshSessions.opened(second, "sshd", "two", 22, VIEW);
        CountDownLatch release = new CountDownLatch(1);
        Thread app = new Thread(() -> {
            try {
                BlockingCall.waitOn(second.channel, release);
            } catch (InterruptedException ignored) {
                // ends the test thread
            }
        }, "app-worker-2");
        app.start();
        try {
            await().atMost(10, TimeUnit.SECONDS).until(() -> SshSessions.threadsBlocked() == 1);
            String table = SshSessions.table();
            assertThat(table.substring(table.indexOf("#2 sshd two:22"))).contains("thread \"app-worker-2\"");
            assertThat(table.substring(table.indexOf("#1 sshd one:22"), table.indexOf("#2 sshd")))
                    .doesNotContain("app-worker-2");
        } finally {
            release.countDown();
            app.join();
        }
    }

    /** On a {@link ManualClock}: the watchdog's ticks come when the test advances it, so "once" is checked exactly. */
    @Test
    void watchdogLogsAStuckThreadOnceWithItsSession() throws Exception {
        Path log = Files.createTempFile("lifeline-watchdog", ".log");
        Log.useFile(log.toString());
        CountDownLatch release = new CountDownLatch(1);
        Thread app = new Thread(() -> {
            try {
                BlockingCall.waitFor(release);
            } catch (InterruptedException ignored) {
                // ends the test thread
            }
        }, "app-worker-1");
        long before = Counters.Counter.THREADS_STUCK.get();
        try (ManualClock clock = ManualClock.install()) {
            FakeSession s = new FakeSession();
            SshSessions.opened(s, "sshd", "db1", 2222, VIEW);
            Watchdog.threshold(300);
            app.start();
            await().atMost(10, TimeUnit.SECONDS).until(() -> SshSessions.threadsBlocked() == 1); // in the call now
            for (int tick = 0; tick < 4 && Counters.Counter.THREADS_STUCK.get() == before; tick++) {
                clock.advanceAndSettle(Watchdog.periodMillis()); // 1 s: blocked for 1 s by the second tick
            }
            assertThat(Counters.Counter.THREADS_STUCK.get()).isEqualTo(before + 1);
            String table = SshSessions.table();
            assertThat(table).contains("1 thread blocked").contains("thread \"app-worker-1\" WAITING for")
                    .contains("at org.apache.sshd.fake.BlockingCall.waitFor");
            assertThat(SshSessions.threadsBlocked()).isEqualTo(1);
            for (int tick = 0; tick < 3; tick++) { // several more ticks: still logged once
                clock.advanceAndSettle(Watchdog.periodMillis());
            }
            assertThat(Counters.Counter.THREADS_STUCK.get()).isEqualTo(before + 1);
            String lines = new String(Files.readAllBytes(log), "UTF-8");
            assertThat(lines).contains("watchdog.thread-stuck").contains("app-worker-1").contains("session=db1:2222")
                    .contains("org.apache.sshd.fake.BlockingCall.waitFor");
            assertThat(lines.split("watchdog.thread-stuck", -1)).hasSize(2);
        } finally {
            release.countDown();
            app.join();
            Log.useFile("");
        }
        assertThat(SshSessions.threadsBlocked()).isZero();
    }

    /**
     * Issue 22 item 4: a thread reading a channel that gets a line between any two looks waits in the same place at
     * every look, yet is never stuck: its wait ends and starts again, and its session gets packets. It was logged stuck
     * at the threshold (its wait was measured from its first look). A second thread, polling a silent session's channel
     * the same way (a timed wait, as JSch's pipe), is logged: the watchdog ran, and a wake-up without a packet is not
     * progress. On a {@link ManualClock}: each look comes when the test advances it, after the line was read.
     */
    @Test
    void aReaderThatGetsDataEveryFewHundredMillisIsNeverStuckButASilentOneIs() throws Exception {
        Path log = Files.createTempFile("lifeline-watchdog", ".log");
        Log.useFile(log.toString());
        FakeSession busy = new FakeSession();
        FakeSession silent = new FakeSession();
        AtomicInteger lines = new AtomicInteger();
        AtomicInteger read = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            try {
                while (!stop.get()) {
                    BlockingCall.read(busy.channel, lines);
                    read.incrementAndGet();
                }
            } catch (InterruptedException ignored) {
                // ends the test thread
            }
        }, "app-busy-reader");
        Thread quiet = new Thread(() -> {
            try {
                BlockingCall.read(silent.channel, new AtomicInteger());
            } catch (InterruptedException ignored) {
                // ends the test thread
            }
        }, "app-silent-reader");
        long before = Counters.Counter.THREADS_STUCK.get();
        try (ManualClock clock = ManualClock.install()) {
            SshSessions.opened(busy, "sshd", "busy", 22, VIEW);
            SshSessions.opened(silent, "sshd", "silent", 22, VIEW);
            Watchdog.threshold(1000);
            reader.start();
            quiet.start();
            await().atMost(10, TimeUnit.SECONDS).until(() -> SshSessions.threadsBlocked() == 2); // both in the call
            for (int look = 0; look < 8; look++) { // eight looks, a period apart: the threshold passes several times
                int readSoFar = read.get();
                SshSessions.packet(busy); // the remote command prints a line
                synchronized (busy.channel) {
                    lines.incrementAndGet();
                    busy.channel.notifyAll();
                }
                await().atMost(10, TimeUnit.SECONDS).until(() -> read.get() > readSoFar && waiting(reader));
                clock.advanceAndSettle(Watchdog.periodMillis());
            }
            assertThat(Counters.Counter.THREADS_STUCK.get()).as("the silent reader, once").isEqualTo(before + 1);
            String table = SshSessions.table();
            Matcher m = Pattern.compile("thread \"app-busy-reader\" \\w+ for (<1 look|\\d+ms)").matcher(table);
            assertThat(m.find()).as(table).isTrue();
            assertThat(table).contains("thread \"app-silent-reader\"");
            String logged = new String(Files.readAllBytes(log), "UTF-8");
            assertThat(logged).contains("thread=app-silent-reader").contains("session=silent:22")
                    .doesNotContain("app-busy-reader");
        } finally {
            stop.set(true);
            reader.interrupt();
            quiet.interrupt();
            reader.join();
            quiet.join();
            Log.useFile("");
        }
    }

    private static boolean waiting(Thread t) {
        Thread.State s = t.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
    }
}
