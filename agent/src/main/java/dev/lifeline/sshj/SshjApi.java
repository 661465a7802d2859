package dev.lifeline.sshj;

import dev.lifeline.enforce.Sockets;
import dev.lifeline.instrument.PerLoader;
import dev.lifeline.instrument.Reflection;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.Socket;

import static dev.lifeline.sshj.SshjModule.*;

/**
 * sshj's members, resolved from {@link SshjModule}'s declarations once per sshj copy (class loader) and cached
 * ({@link PerLoader}): the agent cannot link against sshj, which may live in a loader the agent's own loader cannot
 * see, and nothing links to a version. The module's shape check found the same members on the class bytes before
 * weaving.
 */
final class SshjApi {
    private static final PerLoader<SshjApi> APIS = new PerLoader<SshjApi>() {
        @Override
        protected SshjApi create(ClassLoader loader) throws Exception {
            return new SshjApi(loader);
        }
    };

    final Field clientSocket;
    /** 0.40 only: a client tunnelled in another's channel; null before. */
    final Field tunneled;
    final Field clientConn;
    final Field clientTrans;
    final Method getConnectTimeout;
    final Method setConnectTimeout;
    final Field connKeepAlive;
    final Field connChannels;
    final Method getKeepAlive;
    final Method getTransport;
    final Method sendGlobalRequest;
    final Field keepAliveConn;
    final Method getKeepAliveInterval;
    final Method setKeepAliveInterval;
    final Class<?> keepAliveRunner;
    final Method getMaxAliveCount;
    final Method setMaxAliveCount;
    final Field runnerQueue;
    final Field runnerMaxAliveCount;
    final Object keepAliveProvider;
    final Method provide;
    final Field transReader;
    final Field transService;
    final Field transKexer;
    final Method die;
    final Method kexerNotifyError;
    final Constructor<?> transportException;
    final Object connectionLost;
    final Constructor<?> connectionException;
    final Field promiseLock;
    final Method isFulfilled;
    final Field channelConn;
    final Field closeRequested;
    final Field remoteWindow;
    final Method isOpen;
    final Method close;
    final Method getInputStream;
    final Method channelNotifyError;
    final Method inputNotifyError;
    final Method expand;
    final Method signal;
    final Method signalValueOf;
    final Field readerTrans;
    final Method remoteHost;
    final Method remotePort;
    final Field closeEvent;
    final Field eventPromise;
    final Field promiseCond;
    final Field channelId;
    final Field inputBuffer;
    final Method getErrorStream;

    private SshjApi(ClassLoader loader) throws Exception {
        clientSocket = CLIENT_SOCKET.field(loader);
        tunneled = TUNNELED.fieldOf(TUNNELED.ownerIn(loader));
        clientConn = CLIENT_CONN.field(loader);
        clientTrans = CLIENT_TRANS.field(loader);
        getConnectTimeout = GET_CONNECT_TIMEOUT.method(loader);
        setConnectTimeout = SET_CONNECT_TIMEOUT.method(loader);
        connKeepAlive = CONN_KEEP_ALIVE.field(loader);
        connChannels = CONN_CHANNELS.field(loader);
        getKeepAlive = GET_KEEP_ALIVE.method(loader);
        getTransport = GET_TRANSPORT.method(loader);
        sendGlobalRequest = SEND_GLOBAL_REQUEST.method(loader);
        keepAliveConn = KEEP_ALIVE_CONN.field(loader);
        getKeepAliveInterval = GET_KEEP_ALIVE_INTERVAL.method(loader);
        setKeepAliveInterval = SET_KEEP_ALIVE_INTERVAL.method(loader);
        keepAliveRunner = KEEP_ALIVE_RUNNER.ownerIn(loader);
        getMaxAliveCount = GET_MAX_ALIVE_COUNT.method(loader);
        setMaxAliveCount = SET_MAX_ALIVE_COUNT.method(loader);
        runnerQueue = RUNNER_QUEUE.field(loader);
        runnerMaxAliveCount = RUNNER_MAX_ALIVE_COUNT.field(loader);
        keepAliveProvider = KEEP_ALIVE_PROVIDER.constant(loader);
        provide = PROVIDE.method(loader);
        transReader = TRANS_READER.field(loader);
        readerTrans = READER_TRANS.field(loader);
        remoteHost = REMOTE_HOST.method(loader);
        remotePort = REMOTE_PORT.method(loader);
        closeEvent = CLOSE_EVENT.fieldOf(CLOSE_EVENT.ownerIn(loader));
        eventPromise = EVENT_PROMISE.fieldOf(EVENT_PROMISE.ownerIn(loader));
        promiseCond = PROMISE_COND.fieldOf(PROMISE_COND.ownerIn(loader));
        channelId = CHANNEL_ID.fieldOf(CHANNEL_ID.ownerIn(loader));
        inputBuffer = INPUT_BUF.fieldOf(INPUT_BUF.ownerIn(loader));
        getErrorStream = GET_ERROR_STREAM.methodOrNull(loader);
        transService = TRANS_SERVICE.field(loader);
        transKexer = TRANS_KEXER.field(loader);
        die = DIE.method(loader);
        kexerNotifyError = KEXER_NOTIFY_ERROR.method(loader);
        transportException = TRANSPORT_EXCEPTION.constructor(loader);
        connectionLost = CONNECTION_LOST.constant(loader);
        connectionException = CONNECTION_EXCEPTION.constructor(loader);
        promiseLock = PROMISE_LOCK.field(loader);
        isFulfilled = IS_FULFILLED.method(loader);
        channelConn = CHANNEL_CONN.field(loader);
        closeRequested = CLOSE_REQUESTED.field(loader);
        remoteWindow = REMOTE_WINDOW.field(loader);
        isOpen = IS_OPEN.method(loader);
        close = CLOSE.method(loader);
        getInputStream = GET_INPUT_STREAM.method(loader);
        channelNotifyError = CHANNEL_NOTIFY_ERROR.method(loader);
        inputNotifyError = INPUT_NOTIFY_ERROR.method(loader);
        expand = EXPAND.method(loader);
        signal = SIGNAL.method(loader);
        signalValueOf = SIGNAL_VALUE_OF.method(loader);
    }

    /** For any sshj object: a client, a connection, a channel, a keepalive, a promise. */
    static SshjApi of(Object sshjObject) {
        return APIS.of(sshjObject);
    }

    // ---- client ----

    /** The client's own socket, from its field: set before the TCP connect starts. */
    Socket socket(Object client) {
        return Sockets.asSocket(Reflection.readQuietly(clientSocket, client));
    }

    boolean isTunneled(Object client) throws Exception {
        return tunneled != null && Boolean.TRUE.equals(tunneled.get(client));
    }

    Object connection(Object client) throws Exception {
        return clientConn.get(client);
    }

    Object transport(Object client) throws Exception {
        return clientTrans.get(client);
    }

    int connectTimeout(Object client) throws Exception {
        return ((Number) Reflection.call(getConnectTimeout, client)).intValue();
    }

    void setConnectTimeout(Object client, int millis) throws Exception {
        Reflection.call(setConnectTimeout, client, millis);
    }

    // ---- connection ----

    Object keepAlive(Object conn) throws Exception {
        return Reflection.call(getKeepAlive, conn);
    }

    /** {@code ConnectionImpl.keepAlive} is final: what everything in sshj reads through {@code getKeepAlive()}. */
    void replaceKeepAlive(Object conn, Object keepAlive) throws Exception {
        connKeepAlive.set(conn, keepAlive);
    }

    /** The connection's channel map (id to channel), or null. */
    Object channels(Object conn) throws Exception {
        return connChannels.get(conn);
    }

    Object transportOf(Object conn) throws Exception {
        return Reflection.call(getTransport, conn);
    }

    Object sendKeepalive(Object conn) throws Exception {
        return Reflection.call(sendGlobalRequest, conn, "keepalive@openssh.com", Boolean.TRUE, new byte[0]);
    }

    // ---- keepalive ----

    Object connectionOfKeepAlive(Object keepAlive) throws Exception {
        return keepAliveConn.get(keepAlive);
    }

    int keepAliveSeconds(Object keepAlive) throws Exception {
        return ((Number) Reflection.call(getKeepAliveInterval, keepAlive)).intValue();
    }

    void setKeepAliveSeconds(Object keepAlive, int seconds) throws Exception {
        Reflection.call(setKeepAliveInterval, keepAlive, seconds);
    }

    boolean isRunner(Object keepAlive) {
        return keepAliveRunner.isInstance(keepAlive);
    }

    int maxAliveCount(Object runner) throws Exception {
        return ((Number) Reflection.call(getMaxAliveCount, runner)).intValue();
    }

    void setMaxAliveCount(Object runner, int count) throws Exception {
        Reflection.call(setMaxAliveCount, runner, count);
    }

    /** A {@code KEEP_ALIVE} runner made for the connection. */
    Object newRunner(Object conn) throws Exception {
        return Reflection.call(provide, keepAliveProvider, conn);
    }

    // ---- transport ----

    /** The transport a reader thread ({@code net.schmizz.sshj.transport.Reader}) reads for. */
    Object transportOfReader(Object reader) throws Exception {
        return readerTrans.get(reader);
    }

    String remoteHost(Object trans) throws Exception {
        return (String) Reflection.call(remoteHost, trans);
    }

    int remotePort(Object trans) throws Exception {
        return ((Number) Reflection.call(remotePort, trans)).intValue();
    }

    Object reader(Object trans) throws Exception {
        return transReader.get(trans);
    }

    Object service(Object trans) throws Exception {
        return transService.get(trans);
    }

    Object kexer(Object trans) throws Exception {
        return transKexer.get(trans);
    }

    void die(Object trans, Exception error) throws Exception {
        Reflection.call(die, trans, error);
    }

    void failKeyExchange(Object kexer, String message) throws Exception {
        Reflection.call(kexerNotifyError, kexer, Reflection.create(transportException, message));
    }

    /** sshj's {@code ConnectionException(DisconnectReason.CONNECTION_LOST, message)}. */
    Exception connectionLost(String message) throws Exception {
        return (Exception) Reflection.create(connectionException, connectionLost, message);
    }

    Object promiseLock(Object promise) throws Exception {
        return promiseLock.get(promise);
    }

    boolean isFulfilled(Object promise) throws Exception {
        return Boolean.TRUE.equals(Reflection.call(isFulfilled, promise));
    }

    // ---- channels ----

    Object connectionOfChannel(Object channel) throws Exception {
        return channelConn.get(channel);
    }

    boolean closeRequested(Object channel) throws Exception {
        return Boolean.TRUE.equals(closeRequested.get(channel));
    }

    boolean isOpen(Object channel) throws Exception {
        return Boolean.TRUE.equals(Reflection.call(isOpen, channel));
    }

    void close(Object channel) throws Exception {
        Reflection.call(close, channel);
    }

    void failInput(Object channel, Exception error) throws Exception {
        Object in = Reflection.call(getInputStream, channel);
        if (in != null) {
            Reflection.call(inputNotifyError, in, error);
        }
    }

    void fail(Object channel, Exception error) throws Exception {
        Reflection.call(channelNotifyError, channel, error);
    }

    /** Opens the remote window wide: a writer waiting for window space goes on (to a shut socket). */
    void openWindow(Object channel) throws Exception {
        Object window = remoteWindow.get(channel);
        if (window != null) {
            Reflection.call(expand, window, 1L << 40);
        }
    }

    /** The condition a thread in the channel's {@code join()} is parked on (its close event's), or null. */
    Object closeCondition(Object channel) throws Exception {
        Object event = closeEvent == null ? null : closeEvent.get(channel);
        Object promise = event == null || eventPromise == null ? null : eventPromise.get(event);
        return promise == null || promiseCond == null ? null : promiseCond.get(promise);
    }

    /** The channel's local id as sshj numbers it ({@code chan#N} in its log), or -1. */
    int channelId(Object channel) throws Exception {
        return channelId == null ? -1 : (Integer) channelId.get(channel);
    }

    /** A session channel's stdout and stderr as sshj hands them out ({@code getInputStream}, {@code getErrorStream}): fields read, no lock. */
    Object[] outputs(Object channel) throws Exception {
        return new Object[]{Reflection.call(getInputStream, channel),
                getErrorStream == null || !getErrorStream.getDeclaringClass().isInstance(channel) ? null
                        : Reflection.call(getErrorStream, channel)};
    }

    /** The monitor a thread blocked reading {@code stream} waits on (its buffer), or null. */
    Object readMonitor(Object stream) throws Exception {
        return inputBuffer == null || stream == null || !inputBuffer.getDeclaringClass().isInstance(stream) ? null
                : inputBuffer.get(stream);
    }

    void signal(Object channel, String name) throws Exception {
        Reflection.call(signal, channel, Reflection.call(signalValueOf, null, name));
    }
}
