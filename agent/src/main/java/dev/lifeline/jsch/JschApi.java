package dev.lifeline.jsch;

import dev.lifeline.instrument.ModuleAccess;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.Socket;

/**
 * JSch's members the hooks use, looked up once per JSch copy (class loader) and cached per class: the agent cannot
 * link against JSch, which may live in a loader the agent's own loader cannot see. {@link JschModule} checks the same
 * members on the class bytes before weaving, so a JSch that lacks them is never woven.
 */
final class JschApi {
    private static final ClassValue<JschApi> BY_CLASS = new ClassValue<JschApi>() {
        @Override
        protected JschApi computeValue(Class<?> type) {
            try {
                return new JschApi(type.getClassLoader());
            } catch (Exception e) {
                throw new IllegalStateException("JSch members not found from " + type.getName(), e);
            }
        }
    };

    final Method getHost;
    final Method getPort;
    final Method getTimeout;
    final Method getServerAliveInterval;
    final Method setServerAliveInterval;
    final Method getServerAliveCountMax;
    final Method setServerAliveCountMax;
    final Method channelGetSession;
    final Field socket;
    final Field command;

    private JschApi(ClassLoader loader) throws Exception {
        Class<?> session = Class.forName("com.jcraft.jsch.Session", false, loader);
        getHost = accessible(session.getMethod("getHost"));
        getPort = accessible(session.getMethod("getPort"));
        getTimeout = accessible(session.getMethod("getTimeout"));
        getServerAliveInterval = accessible(session.getMethod("getServerAliveInterval"));
        setServerAliveInterval = accessible(session.getMethod("setServerAliveInterval", int.class));
        getServerAliveCountMax = accessible(session.getMethod("getServerAliveCountMax"));
        setServerAliveCountMax = accessible(session.getMethod("setServerAliveCountMax", int.class));
        channelGetSession = accessible(Class.forName("com.jcraft.jsch.Channel", false, loader).getMethod("getSession"));
        socket = accessible(session.getDeclaredField("socket"));
        command = accessible(Class.forName("com.jcraft.jsch.ChannelExec", false, loader).getDeclaredField("command"));
    }

    /**
     * Also for public members: Method.invoke then skips its access check (a caller-class stack walk) per call. A JSch in
     * a named module has its package opened to Lifeline first ({@link ModuleAccess}).
     */
    private static <T extends java.lang.reflect.AccessibleObject> T accessible(T member) {
        return ModuleAccess.accessible(member);
    }

    /** For any JSch object: Session, a channel. */
    static JschApi of(Object jschObject) {
        return BY_CLASS.get(jschObject.getClass());
    }

    String host(Object session) throws Exception {
        return (String) call(getHost, session);
    }

    int port(Object session) throws Exception {
        return (Integer) call(getPort, session);
    }

    int timeout(Object session) throws Exception {
        return (Integer) call(getTimeout, session);
    }

    int aliveInterval(Object session) throws Exception {
        return (Integer) call(getServerAliveInterval, session);
    }

    int aliveCountMax(Object session) throws Exception {
        return (Integer) call(getServerAliveCountMax, session);
    }

    Object sessionOf(Object channel) throws Exception {
        return call(channelGetSession, channel);
    }

    Socket socket(Object session) {
        try {
            Object s = socket.get(session);
            return s instanceof Socket ? (Socket) s : null;
        } catch (Exception e) {
            return null;
        }
    }

    byte[] command(Object channelExec) throws Exception {
        return (byte[]) command.get(channelExec);
    }

    /** The library's own exception, not the reflective wrapper. */
    static Object call(Method m, Object target, Object... args) throws Exception {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw e;
        }
    }
}
