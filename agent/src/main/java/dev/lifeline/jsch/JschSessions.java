package dev.lifeline.jsch;

import dev.lifeline.Lifeline;
import dev.lifeline.config.Durations;
import dev.lifeline.config.Mode;
import dev.lifeline.config.Policy;
import dev.lifeline.enforce.BlockedThreads;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.enforce.SocketTuning;
import dev.lifeline.policy.Decide;
import dev.lifeline.report.Counters;
import dev.lifeline.report.Faults;
import dev.lifeline.report.Log;

import java.io.InterruptedIOException;
import java.lang.reflect.Field;
import java.net.Socket;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The logic behind JSch session advice. Sees only JDK types: JSch may live in a child class loader (a fat jar, a
 * web app) that the agent's loader cannot see.
 *
 * <p>JSch's keepalive is its socket read timeout: {@code setServerAliveInterval(ms)} is {@code setTimeout(ms)}, and
 * every read timeout after authentication sends {@code keepalive@jcraft.com} (want-reply) until
 * {@code serverAliveCountMax} go unanswered, then the session ends and all its channels close. So an app's own
 * {@code setTimeout(T)} already is a keepalive every T: it counts as "set" for {@code fill}.
 */
public final class JschSessions {
    /** Sessions whose last reads timed out, and how many in a row; identity keys (JSch keeps Object's equals). */
    private static final ConcurrentHashMap<Object, AtomicInteger> READ_TIMEOUTS = new ConcurrentHashMap<Object, AtomicInteger>();

    private JschSessions() {
    }

    /** Every packet JSch reads: must cost next to nothing, so no lookup unless some session is in a silent streak. */
    public static void readOk(Object session) {
        if (!READ_TIMEOUTS.isEmpty()) {
            READ_TIMEOUTS.remove(session);
        }
    }

    /**
     * A read that failed. JSch's reader counts consecutive read timeouts, sends a keepalive for each of the first
     * {@code serverAliveCountMax} and ends the session on the next: that timeout is the keepalive's verdict.
     */
    public static void readFailed(Object session, Throwable thrown, String host, int port, int aliveInterval,
                                  int timeout, int countMax) {
        Faults.inject("JschSessions.readFailed");
        if (!(thrown instanceof InterruptedIOException) || !Thread.currentThread().getName().startsWith("Connect thread")) {
            READ_TIMEOUTS.remove(session);
            return;
        }
        AtomicInteger streak = READ_TIMEOUTS.get(session);
        if (streak == null) {
            AtomicInteger fresh = new AtomicInteger();
            streak = READ_TIMEOUTS.putIfAbsent(session, fresh);
            if (streak == null) {
                streak = fresh;
            }
        }
        if (streak.incrementAndGet() <= countMax) {
            return;
        }
        READ_TIMEOUTS.remove(session);
        long interval = aliveInterval > 0 ? aliveInterval : timeout;
        Counters.increment(Counters.Counter.KEEPALIVE_DECLARED_DEAD);
        Log.warn("keepalive.declared-dead", "lib", "jsch", "host", host, "port", port,
                "interval", Durations.format(interval), "countMax", countMax,
                "silent_ms", interval * (countMax + 1L), "action", "session ended by JSch, its channels closed");
        BlockedThreads.sessionEnding();
    }

    /** A session going away takes its streak with it, so the map never holds a session JSch has let go. */
    public static void forget(Object session) {
        READ_TIMEOUTS.remove(session);
    }

    public static JschPlan plan(Object session, String host, int port, int appTimeout, int appAliveInterval,
                                int appAliveCountMax, int connectTimeout) {
        Faults.inject("JschSessions.plan");
        if (!Lifeline.active()) {
            return null;
        }
        Policy policy = Lifeline.config().policyFor(host, null, port);
        Mode mode = policy.mode();
        if (mode == Mode.OFF) {
            return null;
        }
        JschPlan plan = new JschPlan(policy);
        long appKeepalive = appTimeout > 0 ? appTimeout : appAliveInterval;

        long interval = Decide.timeout(mode, appKeepalive, policy.keepaliveIntervalMillis());
        if (interval != Decide.LEAVE) {
            plan.setAliveInterval = clampInt(interval);
            plan.record("keepalive.interval", Durations.format(interval), "set");
            // the count belongs to the interval we set; with the app's own interval, enforce only lowers it
            int count = appKeepalive <= 0 ? policy.keepaliveCountMax() : Math.min(appAliveCountMax, policy.keepaliveCountMax());
            if (count != appAliveCountMax) {
                plan.setAliveCountMax = count;
                plan.record("keepalive.countMax", count, "set");
            }
        } else {
            long would = Decide.wouldSet(mode, appKeepalive, policy.keepaliveIntervalMillis());
            if (would != Decide.LEAVE) {
                plan.record("keepalive.interval", Durations.format(would), "would-set");
                plan.record("keepalive.countMax", policy.keepaliveCountMax(), "would-set");
            } else if (appKeepalive > 0) {
                plan.record("keepalive.interval", Durations.format(appKeepalive), "app");
            }
        }

        long connect = Decide.timeout(mode, connectTimeout, policy.connectTimeoutMillis());
        if (connect != Decide.LEAVE) {
            plan.setConnectTimeout = clampInt(connect);
            plan.connectDeadlineMillis = connect;
            plan.record("connect.timeout", Durations.format(connect), "set");
        } else {
            long would = Decide.wouldSet(mode, connectTimeout, policy.connectTimeoutMillis());
            if (would != Decide.LEAVE) {
                plan.record("connect.timeout", Durations.format(would), "would-set");
            } else if (connectTimeout > 0) {
                plan.record("connect.timeout", Durations.format(connectTimeout), "app");
            }
        }
        return plan;
    }

    /**
     * JSch bounds TCP connect and each handshake read by the connect timeout, but not their sum: a server that
     * trickles bytes keeps connect() going. The watchdog closes the socket when the whole connect overruns.
     */
    static void startConnectWatchdog(final JschPlan plan, final Object session) {
        if (plan.connectDeadlineMillis <= 0) {
            return;
        }
        plan.watchdog = DeadlineScheduler.schedule("jsch.connect", plan.connectDeadlineMillis, new Runnable() {
            @Override
            public void run() {
                plan.watchdogFired = true;
                Socket socket = socketOf(session);
                Counters.increment(Counters.Counter.CONNECT_DEADLINES_FIRED);
                Log.warn("connect.deadline-fired", "lib", "jsch", "host", plan.policy.host(), "port", plan.policy.port(),
                        "elapsed_ms", elapsedMillis(plan), "rule", plan.policy.source("connect.timeout"),
                        "action", socket == null ? "none (socket not yet created)" : "socket closed");
                BlockedThreads.sessionEnding();
                closeQuietly(socket);
            }
        });
    }

    public static void connected(JschPlan plan, Socket socket, Throwable thrown) {
        Faults.inject("JschSessions.connected");
        if (plan == null) {
            return;
        }
        DeadlineScheduler.Deadline w = plan.watchdog;
        if (w != null) {
            w.cancel();
        }
        Policy policy = plan.policy;
        if (thrown != null) {
            Log.info("session.connect-failed", "lib", "jsch", "host", policy.host(), "port", policy.port(),
                    "elapsed_ms", elapsedMillis(plan), "stopped_by_deadline", plan.watchdogFired, "error", thrown);
            return;
        }
        tuneSocket(plan, socket);
        if (plan.failure != null) {
            Log.warn("session.setting-failed", "lib", "jsch", "host", policy.host(), "error", plan.failure);
        }
        Counters.increment(Counters.Counter.SESSIONS_SEEN);
        if (plan.applied.changedAnything()) {
            Counters.increment(Counters.Counter.SESSIONS_CHANGED);
        }
        Log.info("session.configured", "lib", "jsch", "host", policy.host(), "port", policy.port(),
                "mode", policy.mode().name().toLowerCase(), "rules", policy.rules(), "applied", plan.applied.toString());
    }

    private static void tuneSocket(JschPlan plan, Socket socket) {
        Policy policy = plan.policy;
        if (socket == null || !policy.tcpKeepalive()) {
            return;
        }
        boolean already;
        try {
            already = socket.getKeepAlive();
        } catch (Exception e) {
            return;
        }
        Mode mode = policy.mode();
        if (mode == Mode.ENFORCE || (mode == Mode.FILL && !already)) {
            String done = SocketTuning.enableKeepalive(socket, policy.tcpKeepaliveIdleMillis(),
                    policy.tcpKeepaliveIntervalMillis(), policy.tcpKeepaliveCount());
            plan.record("tcp.keepalive", done, "set");
        } else if (mode == Mode.AUDIT && !already) {
            plan.record("tcp.keepalive", "on", "would-set");
        } else if (already) {
            plan.record("tcp.keepalive", "on", "app");
        }
    }

    /** JSch's ProxyHTTP/ProxySOCKS4/ProxySOCKS5 keep their socket in a private {@code socket} field. */
    public static Socket proxySocketOf(Object session) {
        Object proxy = field(session, "proxy");
        Object socket = proxy == null ? null : field(proxy, "socket");
        return socket instanceof Socket ? (Socket) socket : null;
    }

    private static Object field(Object target, String name) {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(target);
            } catch (NoSuchFieldException next) {
                // keep looking in the superclass
            } catch (Throwable t) {
                return null;
            }
        }
        return null;
    }

    static Socket socketOf(Object session) {
        Socket direct = directSocketOf(session);
        return direct != null ? direct : proxySocketOf(session);
    }

    private static Socket directSocketOf(Object session) {
        for (Class<?> c = session.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField("socket");
                f.setAccessible(true);
                Object s = f.get(session);
                return s instanceof Socket ? (Socket) s : null;
            } catch (NoSuchFieldException next) {
                // keep looking in the superclass
            } catch (Throwable t) {
                return null;
            }
        }
        return null;
    }

    static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (Exception ignored) {
                // already closed: the goal is reached
            }
        }
    }

    static long elapsedMillis(JschPlan plan) {
        return (System.nanoTime() - plan.startNanos) / 1000000L;
    }

    private static int clampInt(long v) {
        return (int) Math.min(Integer.MAX_VALUE, v);
    }
}
