package dev.lifeline.jsch;

import dev.lifeline.enforce.Sockets;
import dev.lifeline.instrument.PerLoader;
import dev.lifeline.instrument.Reflection;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.Socket;
import java.util.List;

import static dev.lifeline.jsch.JschModule.*;

/**
 * JSch's members, resolved from {@link JschModule}'s declarations once per JSch copy (class loader) and cached
 * ({@link PerLoader}): the agent cannot link against JSch, which may live in a loader the agent's own loader cannot
 * see. The module's shape check found the same members on the class bytes before weaving.
 */
final class JschApi {
    private static final PerLoader<JschApi> APIS = new PerLoader<JschApi>() {
        @Override
        protected JschApi create(ClassLoader loader) throws Exception {
            return new JschApi(loader);
        }
    };

    final Method getHost;
    final Method getPort;
    final Method getTimeout;
    final Method isConnected;
    final Method getServerAliveInterval;
    final Method setServerAliveInterval;
    final Method getServerAliveCountMax;
    final Method setServerAliveCountMax;
    final Method channelGetSession;
    final Method sendSignal;
    final Method isClosed;
    final Method channelDisconnect;
    final Method proxyClose;
    final Method sessionDisconnect;
    final Field socket;
    final Field timeout;
    final Field proxy;
    final Field command;
    final Field channelSession;
    /** One of the two, by line: mwiede 2.x keeps a session's channels, older lines all channels in one static list. */
    final Field sessionChannels;
    final Field channelPool;
    final Field seqi;
    final Method sendKeepAliveMsg;
    final Field connectThread;

    private JschApi(ClassLoader loader) throws Exception {
        getHost = GET_HOST.method(loader);
        getPort = GET_PORT.method(loader);
        getTimeout = GET_TIMEOUT.method(loader);
        isConnected = IS_CONNECTED.method(loader);
        getServerAliveInterval = GET_ALIVE_INTERVAL.method(loader);
        setServerAliveInterval = SET_ALIVE_INTERVAL.method(loader);
        getServerAliveCountMax = GET_ALIVE_COUNT_MAX.method(loader);
        setServerAliveCountMax = SET_ALIVE_COUNT_MAX.method(loader);
        channelGetSession = CHANNEL_GET_SESSION.method(loader);
        sendSignal = SEND_SIGNAL.method(loader);
        isClosed = IS_CLOSED.method(loader);
        channelDisconnect = CHANNEL_DISCONNECT.method(loader);
        proxyClose = PROXY_CLOSE.method(loader);
        sessionDisconnect = SESSION_DISCONNECT.method(loader);
        socket = SESSION_SOCKET.field(loader);
        timeout = SESSION_TIMEOUT.field(loader);
        proxy = SESSION_PROXY.field(loader);
        command = EXEC_COMMAND.field(loader);
        channelSession = CHANNEL_SESSION.field(loader);
        sessionChannels = SESSION_CHANNELS.fieldOf(SESSION_CHANNELS.ownerIn(loader));
        channelPool = CHANNEL_POOL.fieldOf(CHANNEL_POOL.ownerIn(loader));
        seqi = SESSION_SEQI.fieldOf(SESSION_SEQI.ownerIn(loader));
        sendKeepAliveMsg = SEND_KEEPALIVE.method(loader);
        connectThread = SESSION_CONNECT_THREAD.fieldOf(SESSION_CONNECT_THREAD.ownerIn(loader));
    }

    /** For any JSch object: Session, a channel. */
    static JschApi of(Object jschObject) {
        return APIS.of(jschObject);
    }

    String host(Object session) throws Exception {
        return (String) Reflection.call(getHost, session);
    }

    int port(Object session) throws Exception {
        return (Integer) Reflection.call(getPort, session);
    }

    int timeout(Object session) throws Exception {
        return (Integer) Reflection.call(getTimeout, session);
    }

    boolean isConnected(Object session) throws Exception {
        return Boolean.TRUE.equals(Reflection.call(isConnected, session));
    }

    int aliveInterval(Object session) throws Exception {
        return (Integer) Reflection.call(getServerAliveInterval, session);
    }

    int aliveCountMax(Object session) throws Exception {
        return (Integer) Reflection.call(getServerAliveCountMax, session);
    }

    /** The session's {@code timeout} alone (its key-exchange wait), not the socket's read timeout. */
    void setTimeoutField(Object session, int millis) throws Exception {
        timeout.setInt(session, millis);
    }

    void setAliveInterval(Object session, int millis) throws Exception {
        Reflection.call(setServerAliveInterval, session, millis);
    }

    void setAliveCountMax(Object session, int count) throws Exception {
        Reflection.call(setServerAliveCountMax, session, count);
    }

    Object sessionOf(Object channel) throws Exception {
        return Reflection.call(channelGetSession, channel);
    }

    void signal(Object channel, String name) throws Exception {
        Reflection.call(sendSignal, channel, name);
    }

    boolean isClosed(Object channel) throws Exception {
        return Boolean.TRUE.equals(Reflection.call(isClosed, channel));
    }

    void disconnect(Object channel) throws Exception {
        Reflection.call(channelDisconnect, channel);
    }

    /** The session's own socket; null through a proxy. */
    Socket socket(Object session) {
        return Sockets.asSocket(Reflection.readQuietly(socket, session));
    }

    Object proxy(Object session) {
        return Reflection.readQuietly(proxy, session);
    }

    /** JSch's ProxyHTTP/ProxySOCKS4/ProxySOCKS5 keep their socket in a private {@code socket} field. */
    Socket proxySocket(Object proxyObject) {
        return Sockets.asSocket(Reflection.readQuietly(PROXY_SOCKET.fieldOf(proxyObject.getClass()), proxyObject));
    }

    /** {@code Proxy.close()} through the interface: an app's proxy class need not be public. May block. */
    void closeProxy(Object proxyObject) throws Exception {
        Reflection.call(proxyClose, proxyObject);
    }

    /** {@code Session.disconnect()}: what JSch's reader calls when a read fails. May block; never on the deadline thread. */
    void disconnectSession(Object session) throws Exception {
        Reflection.call(sessionDisconnect, session);
    }

    byte[] command(Object channelExec) throws Exception {
        return (byte[]) command.get(channelExec);
    }

    /** The session's channel list (mwiede 2.x), or null. */
    List<?> ownChannels(Object session) throws Exception {
        Object own = sessionChannels == null ? null : sessionChannels.get(session);
        return own instanceof List ? (List<?>) own : null;
    }

    /** Every session's channels (older lines' static {@code Channel.pool}), or null. */
    List<?> channelPool() throws Exception {
        Object pool = channelPool == null ? null : channelPool.get(null);
        return pool instanceof List ? (List<?>) pool : null;
    }

    /** Packets read so far (JSch's incoming sequence number), or null when this line has no such field. */
    Integer packetsRead(Object session) throws Exception {
        return seqi == null ? null : (Integer) seqi.get(session);
    }

    /** A {@code keepalive@jcraft.com} request that wants a reply; writes to the socket, so never on the deadline thread. */
    void sendKeepalive(Object session) throws Exception {
        Reflection.call(sendKeepAliveMsg, session);
    }

    /** The session's reader thread, or null (not connected, or no such field in this line). */
    Object readerThread(Object session) {
        return connectThread == null ? null : Reflection.readQuietly(connectThread, session);
    }

    Object sessionField(Object channel) throws Exception {
        return channelSession.get(channel);
    }
}
