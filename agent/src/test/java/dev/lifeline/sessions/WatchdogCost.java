package dev.lifeline.sessions;

import org.apache.sshd.fake.BlockingCall;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;

/**
 * What the watchdog's looks cost with many threads blocked in a library call (issue 22 item 4). Not a test (figures
 * depend on the machine and its load): from {@code agent/}, after {@code mvn -o -q test-compile},
 *
 * <pre>
 *   java -Xlog:safepoint=info:file=/tmp/sp.log -cp target/classes:target/test-classes \
 *       dev.lifeline.sessions.WatchdogCost THREADS SECONDS untimed|poll [PERIOD_MS]
 *   grep -c '"ThreadDump"' /tmp/sp.log      # stack-walk pauses (safepoints)
 * </pre>
 *
 * THREADS threads wait in a library frame ({@code org.apache.sshd.fake.BlockingCall}): for good ({@code untimed}), or
 * re-entering a 100 ms timed wait ({@code poll}, as JSch's pipe does every second: every thread's wait changes
 * between looks, so every stack is walked at every look, the worst case). One fake session is open. It measures the
 * process's CPU for SECONDS without looks, then makes one look (as the watchdog's tick does) every PERIOD_MS (default
 * 1000, the shortest period) for SECONDS, and prints the first look's cost (every thread new: stacks walked), the later
 * looks' mean and longest, and the CPU the looks added as a share of one core.
 */
public final class WatchdogCost {
    private WatchdogCost() {
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.parseInt(args[0]);
        int seconds = Integer.parseInt(args[1]);
        final boolean poll = args[2].equals("poll");
        long period = args.length > 3 ? Long.parseLong(args[3]) : 1000;
        dev.lifeline.report.Log.setLevel(dev.lifeline.report.Log.Level.ERROR); // the looks' cost, not stuck lines
        Object session = new Object();
        SshSessions.opened(session, "sshd", "cost", 22, new LibraryView() {
            @Override
            public boolean isOpen(Object s) {
                return true;
            }

            @Override
            public String packagePrefix() {
                return "org.apache.sshd.";
            }
        });
        final CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    if (poll) {
                        BlockingCall.waitOn(new Object(), release);
                    } else {
                        BlockingCall.waitFor(release);
                    }
                } catch (InterruptedException ignored) {
                    // the end
                }
            }, "app-blocked-" + i);
            t.setDaemon(true);
            t.start();
        }
        Thread.sleep(2000); // all of them waiting
        long t0 = cpu();
        Thread.sleep(seconds * 1000L);
        long off = cpu() - t0;
        long s = System.nanoTime();
        int seen = Watchdog.observe(false).size();
        long first = System.nanoTime() - s;
        long sum = 0;
        long max = 0;
        int looks = 0;
        t0 = cpu();
        long end = System.nanoTime() + seconds * 1000000000L;
        while (System.nanoTime() < end) {
            Thread.sleep(period);
            s = System.nanoTime();
            Watchdog.observe(false);
            long d = System.nanoTime() - s;
            sum += d;
            max = Math.max(max, d);
            looks++;
        }
        long on = cpu() - t0;
        System.out.printf("threads=%d mode=%s seen=%d first_look=%.1fms looks=%d every %dms: mean=%.2fms max=%.1fms;"
                        + " cpu without looks %.1f%%, with %.1f%%: looks %.2f%% of one core; a look of the mean cost makes the"
                        + " watchdog wait %dms to the next (1%% budget)%n",
                threads, poll ? "poll" : "untimed", seen, first / 1e6, looks, period, sum / 1e6 / looks, max / 1e6,
                100.0 * off / (seconds * 1e9), 100.0 * on / (seconds * 1e9), 100.0 * (on - off) / (seconds * 1e9),
                Math.max(period, sum / looks / 1000000L * 100));
        release.countDown();
        SshSessions.closed(session);
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
