package dev.lifeline.enforce;

import dev.lifeline.report.Log;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.Socket;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;

/**
 * Per-socket TCP keepalive (SO_KEEPALIVE plus idle/interval/count) without touching sysctl. The per-socket options
 * come from {@code jdk.net.ExtendedSocketOptions} where the running JDK has them (11+, some 8u builds); they are
 * looked up by reflection so the agent still loads on a JDK without them.
 */
public final class SocketTuning {
    private static final SocketOption<Integer> KEEPIDLE = extendedOption("TCP_KEEPIDLE");
    private static final SocketOption<Integer> KEEPINTERVAL = extendedOption("TCP_KEEPINTERVAL");
    private static final SocketOption<Integer> KEEPCOUNT = extendedOption("TCP_KEEPCOUNT");
    private static final Method SOCKET_SET_OPTION = method(Socket.class, "setOption", SocketOption.class, Object.class);

    private SocketTuning() {
    }

    /** Whether per-socket idle/interval/count can be set on this JDK and OS. */
    public static boolean perSocketOptionsAvailable() {
        return KEEPIDLE != null && SOCKET_SET_OPTION != null;
    }

    /**
     * Turns on TCP keepalive for one socket.
     *
     * @return what was set, for the session's log line (e.g. {@code on,idle=60s,interval=10s,count=3})
     */
    public static String enableKeepalive(Socket socket, long idleMillis, long intervalMillis, int count) {
        try {
            socket.setKeepAlive(true);
        } catch (Exception e) {
            Log.warnOnce("so_keepalive", "tcp.keepalive-failed", "error", e);
            return "failed";
        }
        if (!perSocketOptionsAvailable()) {
            Log.warnOnce("tcp_keepidle", "tcp.keepalive-partial",
                    "reason", "this JDK has no per-socket TCP_KEEPIDLE; SO_KEEPALIVE uses the kernel's defaults");
            return "on,kernel-defaults";
        }
        StringBuilder done = new StringBuilder("on");
        set(socket, KEEPIDLE, seconds(idleMillis), "idle", done);
        set(socket, KEEPINTERVAL, seconds(intervalMillis), "interval", done);
        set(socket, KEEPCOUNT, Math.max(1, count), "count", done);
        return done.toString();
    }

    /** The same for an NIO channel (Apache MINA's NIO2 transport). */
    public static String enableKeepalive(NetworkChannel channel, long idleMillis, long intervalMillis, int count) {
        try {
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, Boolean.TRUE);
        } catch (Exception e) {
            Log.warnOnce("so_keepalive_nio", "tcp.keepalive-failed", "error", e);
            return "failed";
        }
        if (KEEPIDLE == null) {
            Log.warnOnce("tcp_keepidle", "tcp.keepalive-partial",
                    "reason", "this JDK has no per-socket TCP_KEEPIDLE; SO_KEEPALIVE uses the kernel's defaults");
            return "on,kernel-defaults";
        }
        StringBuilder done = new StringBuilder("on");
        setOnChannel(channel, KEEPIDLE, seconds(idleMillis), "idle", done);
        setOnChannel(channel, KEEPINTERVAL, seconds(intervalMillis), "interval", done);
        setOnChannel(channel, KEEPCOUNT, Math.max(1, count), "count", done);
        return done.toString();
    }

    public static boolean keepaliveOn(NetworkChannel channel) {
        try {
            return Boolean.TRUE.equals(channel.getOption(StandardSocketOptions.SO_KEEPALIVE));
        } catch (Exception e) {
            return false;
        }
    }

    private static void setOnChannel(NetworkChannel ch, SocketOption<Integer> option, int value, String name, StringBuilder done) {
        try {
            ch.setOption(option, value);
            done.append(',').append(name).append('=').append(name.equals("count") ? String.valueOf(value) : value + "s");
        } catch (Exception e) {
            Log.warnOnce("tcp_nio_" + name, "tcp.keepalive-option-failed", "option", name, "error", e);
        }
    }

    private static void set(Socket socket, SocketOption<Integer> option, int value, String name, StringBuilder done) {
        try {
            SOCKET_SET_OPTION.invoke(socket, option, value);
            done.append(',').append(name).append('=').append(name.equals("count") ? String.valueOf(value) : value + "s");
        } catch (Exception e) {
            Log.warnOnce("tcp_" + name, "tcp.keepalive-option-failed", "option", name, "error", e);
        }
    }

    static int seconds(long millis) {
        long s = (millis + 999) / 1000; // round up: never probe earlier than asked
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, s));
    }

    @SuppressWarnings("unchecked")
    private static SocketOption<Integer> extendedOption(String name) {
        try {
            Class<?> c = Class.forName("jdk.net.ExtendedSocketOptions");
            Field f = c.getField(name);
            return (SocketOption<Integer>) f.get(null);
        } catch (Throwable t) {
            return null;
        }
    }

    private static Method method(Class<?> owner, String name, Class<?>... params) {
        try {
            return owner.getMethod(name, params);
        } catch (Throwable t) {
            return null;
        }
    }
}
