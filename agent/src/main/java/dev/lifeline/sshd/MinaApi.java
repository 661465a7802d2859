package dev.lifeline.sshd;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.SocketAddress;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * MINA's members the hooks use, looked up once per MINA copy (class loader) and cached per class: the agent cannot
 * link against MINA, which may live in a loader the agent's own loader cannot see. Public interfaces only, so the
 * calls work on MINA's non-public implementation classes too. sshd-core members are null where only sshd-common is.
 */
final class MinaApi {
    private static final Map<ClassLoader, MinaApi> BY_LOADER = new WeakHashMap<ClassLoader, MinaApi>();
    private static final ClassValue<MinaApi> BY_CLASS = new ClassValue<MinaApi>() {
        @Override
        protected MinaApi computeValue(Class<?> type) {
            ClassLoader loader = type.getClassLoader();
            synchronized (BY_LOADER) {
                MinaApi api = BY_LOADER.get(loader);
                if (api == null) {
                    try {
                        api = new MinaApi(loader);
                    } catch (Exception e) {
                        throw new IllegalStateException("MINA members not found from " + type.getName(), e);
                    }
                    BY_LOADER.put(loader, api);
                }
                return api;
            }
        }
    };

    final Method getIoSession;
    final Method getRemoteAddress;
    final Method channelGetSession;
    final Method isClosing;
    final Class<?> clientSession;
    final Class<?> abstractClientChannel;
    final Field execCommand;
    /** CoreModuleProperties' heartbeat properties; reply-max and reply-wait each exist in one line only. */
    final Object heartbeatInterval;
    final Object heartbeatRequest;
    final Object heartbeatNoReplyMax;
    final Object heartbeatReplyWait;
    final Method getOrCustomDefault;
    final Method set;

    private MinaApi(ClassLoader loader) throws Exception {
        getIoSession = Class.forName("org.apache.sshd.common.session.Session", false, loader).getMethod("getIoSession");
        getRemoteAddress = Class.forName("org.apache.sshd.common.io.IoSession", false, loader).getMethod("getRemoteAddress");
        channelGetSession = Class.forName("org.apache.sshd.common.channel.Channel", false, loader).getMethod("getSession");
        isClosing = Class.forName("org.apache.sshd.common.Closeable", false, loader).getMethod("isClosing");
        Class<?> property = Class.forName("org.apache.sshd.common.Property", false, loader);
        Class<?> resolver = Class.forName("org.apache.sshd.common.PropertyResolver", false, loader);
        getOrCustomDefault = property.getMethod("getOrCustomDefault", resolver, Object.class);
        set = property.getMethod("set", resolver, Object.class);
        clientSession = optionalClass("org.apache.sshd.client.session.ClientSession", loader);
        abstractClientChannel = optionalClass("org.apache.sshd.client.channel.AbstractClientChannel", loader);
        Class<?> exec = optionalClass("org.apache.sshd.client.channel.ChannelExec", loader);
        execCommand = exec == null ? null : exec.getDeclaredField("command");
        if (execCommand != null) {
            execCommand.setAccessible(true);
        }
        Class<?> properties = optionalClass("org.apache.sshd.core.CoreModuleProperties", loader);
        heartbeatInterval = constant(properties, "HEARTBEAT_INTERVAL");
        heartbeatRequest = constant(properties, "HEARTBEAT_REQUEST");
        heartbeatNoReplyMax = constant(properties, "HEARTBEAT_NO_REPLY_MAX");
        heartbeatReplyWait = constant(properties, "HEARTBEAT_REPLY_WAIT");
    }

    private static Class<?> optionalClass(String name, ClassLoader loader) {
        try {
            return Class.forName(name, false, loader);
        } catch (Throwable t) {
            return null;
        }
    }

    private static Object constant(Class<?> owner, String name) {
        try {
            return owner == null ? null : owner.getField(name).get(null);
        } catch (Throwable t) {
            return null;
        }
    }

    static MinaApi of(Object minaObject) {
        return BY_CLASS.get(minaObject.getClass());
    }

    /** The remote address of a session (the host name the app connected to, where it used one). */
    SocketAddress remoteAddress(Object session) throws Exception {
        Object io = call(getIoSession, session);
        return io == null ? null : (SocketAddress) call(getRemoteAddress, io);
    }

    Object ioSession(Object session) throws Exception {
        return call(getIoSession, session);
    }

    Object sessionOf(Object channel) throws Exception {
        return call(channelGetSession, channel);
    }

    boolean isClosing(Object closeable) throws Exception {
        return Boolean.TRUE.equals(call(isClosing, closeable));
    }

    String command(Object channelExec) throws Exception {
        return execCommand == null ? null : (String) execCommand.get(channelExec);
    }

    /** What the app set (session, client or {@code org.apache.sshd.config.*}), or null. */
    Object get(Object property, Object session) throws Exception {
        return property == null ? null : call(getOrCustomDefault, property, session, null);
    }

    void set(Object property, Object session, Object value) throws Exception {
        if (property == null) {
            throw new IllegalStateException("MINA property missing");
        }
        call(set, property, session, value);
    }

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
