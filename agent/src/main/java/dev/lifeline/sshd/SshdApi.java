package dev.lifeline.sshd;

import dev.lifeline.instrument.PerLoader;
import dev.lifeline.instrument.Reflection;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.SocketAddress;

import dev.lifeline.instrument.LibraryMember;

import static dev.lifeline.sshd.SshdModule.*;

/**
 * MINA's members, resolved from {@link SshdModule}'s declarations once per MINA copy (class loader) and cached
 * ({@link PerLoader}): the agent cannot link against MINA, which may live in a loader the agent's own loader cannot
 * see. Public interfaces where MINA has one, so the calls work on MINA's non-public implementation classes too.
 * sshd-core members are null where only sshd-common is; a member of some lines only is null in the others.
 */
final class SshdApi {
    private static final PerLoader<SshdApi> APIS = new PerLoader<SshdApi>() {
        @Override
        protected SshdApi create(ClassLoader loader) throws Exception {
            return new SshdApi(loader);
        }
    };

    final Method getIoSession;
    final Method getRemoteAddress;
    final Method channelGetSession;
    final Method isClosing;
    final Method isClosed;
    final Method isOpen;
    final Method close;
    final Class<?> listener;
    final Method addCloseFutureListener;
    /** Null where the line lacks it (optional in {@link SshdModule}). */
    final Method removeCloseFutureListener;
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
    final Method getConnectAddress;
    final Method getIdleTimeoutStart;
    final Method getService;
    final Class<?> connectionService;
    final Method getChannels;
    final Field serviceHeartbeatInterval;
    final Field serviceNoReplyMax;
    final Field serviceOutstanding;
    final Method serviceSession;
    final Class<?> subsystem;
    final Method getSubsystem;
    final Method createBuffer;
    final Method getRecipient;
    final Method putUInt;
    final Method putString;
    final Method putBoolean;
    final Method writePacket;
    /** Null in the lines without it (2.8 and before): see {@link SshdProbeLink}. */
    final Method asyncRequest;
    final Method exceptionCaught;
    final Method isAuthenticated;
    final Method addListener;
    final Method isDone;
    final Method isConnected;
    final Method connectSetException;
    final Method ioSetException;
    final Method connectCancel;
    final Method ioCancel;
    final Method ioGetSession;
    final Method sessionOfIo;
    final Method nio2GetSocket;
    final Field timeoutSessions;
    final Field serviceHeartbeatRequest;
    final Field serviceReplyMaxWait;

    private SshdApi(ClassLoader loader) throws Exception {
        getIoSession = GET_IO_SESSION.method(loader);
        getRemoteAddress = GET_REMOTE_ADDRESS.method(loader);
        channelGetSession = GET_SESSION.method(loader);
        isClosing = IS_CLOSING.method(loader);
        isClosed = IS_CLOSED.method(loader);
        isOpen = IS_OPEN.method(loader);
        close = CLOSE.method(loader);
        listener = LISTENER.ownerIn(loader);
        addCloseFutureListener = ADD_CLOSE_LISTENER.method(loader);
        removeCloseFutureListener = REMOVE_CLOSE_LISTENER.methodOrNull(loader);
        getOrCustomDefault = GET_OR_CUSTOM_DEFAULT.method(loader);
        set = SET.method(loader);
        clientSession = CLIENT_SESSION.ownerInOrNull(loader);
        abstractClientChannel = CLIENT_CHANNEL.ownerInOrNull(loader);
        Class<?> exec = EXEC_COMMAND.ownerInOrNull(loader);
        execCommand = exec == null ? null : EXEC_COMMAND.fieldOf(exec);
        heartbeatInterval = HEARTBEAT_INTERVAL.constantOrNull(loader);
        heartbeatRequest = HEARTBEAT_REQUEST.constantOrNull(loader);
        heartbeatNoReplyMax = HEARTBEAT_NO_REPLY_MAX.constantOrNull(loader);
        heartbeatReplyWait = HEARTBEAT_REPLY_WAIT.constantOrNull(loader);
        getConnectAddress = GET_CONNECT_ADDRESS.methodOrNull(loader);
        getIdleTimeoutStart = GET_IDLE_TIMEOUT_START.method(loader);
        getService = GET_SERVICE.method(loader);
        connectionService = SERVICE_TYPE.ownerIn(loader);
        getChannels = GET_CHANNELS.method(loader);
        Class<?> service = SERVICE_HEARTBEAT_INTERVAL.ownerInOrNull(loader);
        serviceHeartbeatInterval = service == null ? null : SERVICE_HEARTBEAT_INTERVAL.fieldOf(service);
        serviceNoReplyMax = service == null ? null : SERVICE_NO_REPLY_MAX.fieldOf(service);
        serviceOutstanding = service == null ? null : SERVICE_OUTSTANDING.fieldOf(service);
        serviceSession = SERVICE_GET_SESSION.method(loader);
        subsystem = SUBSYSTEM.ownerInOrNull(loader);
        getSubsystem = GET_SUBSYSTEM.methodOrNull(loader);
        createBuffer = CREATE_BUFFER.method(loader);
        Method recipient = GET_RECIPIENT_LONG.methodOrNull(loader);
        getRecipient = recipient != null ? recipient : GET_RECIPIENT.method(loader);
        Method uint = PUT_UINT.methodOrNull(loader);
        putUInt = uint != null ? uint : PUT_INT.method(loader);
        putString = PUT_STRING.method(loader);
        putBoolean = PUT_BOOLEAN.method(loader);
        writePacket = WRITE_PACKET.method(loader);
        asyncRequest = ASYNC_REQUEST.methodOrNull(loader);
        exceptionCaught = EXCEPTION_CAUGHT.method(loader);
        isAuthenticated = IS_AUTHENTICATED.method(loader);
        addListener = ADD_LISTENER.method(loader);
        isDone = IS_DONE.method(loader);
        isConnected = CONNECT_IS_CONNECTED.method(loader);
        connectSetException = CONNECT_SET_EXCEPTION.method(loader);
        ioSetException = IO_SET_EXCEPTION.method(loader);
        Method cancel = CONNECT_CANCEL.methodOrNull(loader);
        connectCancel = cancel != null ? cancel : CANCELLABLE_CANCEL.method(loader);
        cancel = IO_CANCEL.methodOrNull(loader);
        ioCancel = cancel != null ? cancel : CANCELLABLE_CANCEL.method(loader);
        ioGetSession = IO_GET_SESSION.method(loader);
        sessionOfIo = SESSION_OF_IO.method(loader);
        nio2GetSocket = NIO2_GET_SOCKET.method(loader);
        Class<?> listenerType = TIMEOUT_SESSIONS.ownerInOrNull(loader);
        timeoutSessions = listenerType == null ? null : TIMEOUT_SESSIONS.fieldOf(listenerType);
        serviceHeartbeatRequest = service == null ? null : SERVICE_HEARTBEAT_REQUEST.fieldOf(service);
        serviceReplyMaxWait = service == null ? null : SERVICE_REPLY_MAX_WAIT.fieldOf(service);
    }

    // ---- futures (the connect deadline) ----

    boolean isAuthenticated(Object session) throws Exception {
        return Boolean.TRUE.equals(Reflection.call(isAuthenticated, session));
    }

    void addListener(Object future, Object listener) throws Exception {
        Reflection.call(addListener, future, listener);
    }

    boolean isDone(Object future) throws Exception {
        return Boolean.TRUE.equals(Reflection.call(isDone, future));
    }

    /**
     * A {@code ConnectFuture}'s session, or null, also for a failed or cancelled connect: there {@code getSession()}
     * would rethrow the connect's failure (MINA 2.x), so it is asked only of a connected future.
     */
    Object sessionOfFuture(Object connectFuture) throws Exception {
        return Boolean.TRUE.equals(Reflection.call(isConnected, connectFuture))
                ? Reflection.call(channelGetSession, connectFuture) : null;
    }

    /** Fails the app's {@code ConnectFuture} and stops the TCP connect still under way. */
    void failConnect(Object connectFuture, Throwable error) throws Exception {
        Reflection.call(connectSetException, connectFuture, error);
        Reflection.call(connectCancel, connectFuture);
    }

    /** An {@code IoConnectFuture}'s I/O session, or null. */
    Object ioSessionOfFuture(Object ioFuture) throws Exception {
        return Reflection.call(ioGetSession, ioFuture);
    }

    void failIoConnect(Object ioFuture, Throwable error) throws Exception {
        Reflection.call(ioSetException, ioFuture, error);
        Reflection.call(ioCancel, ioFuture);
    }

    /** The SSH session attached to an I/O session, or null. */
    Object sshSession(Object ioSession) throws Exception {
        return ioSession == null ? null : Reflection.call(sessionOfIo, null, ioSession, true);
    }

    /** The I/O session's remote address. */
    Object remoteAddressOfIo(Object ioSession) throws Exception {
        return Reflection.call(getRemoteAddress, ioSession);
    }

    // ---- transports: in their own jars (and maybe loaders), so resolved from the object's own class ----

    /** {@code Nio2Session.getSocket()} for a NIO2 session, else null. */
    Object nio2Socket(Object ioSession) throws Exception {
        return nio2GetSocket.getDeclaringClass().isInstance(ioSession) ? Reflection.call(nio2GetSocket, ioSession) : null;
    }

    /** A declared member's field on an object of a transport, up its class's superclasses; null when there is none. */
    static Object transportField(LibraryMember field, Object target) throws Exception {
        Field f = field.fieldOf(target.getClass());
        return f == null ? null : f.get(target);
    }

    /** A declared public method, resolved in the loader of the object it is called on. */
    static Object transportCall(LibraryMember method, Object target, Object... args) throws Exception {
        return Reflection.call(method.method(target.getClass().getClassLoader()), target, args);
    }

    /** A declared public method in {@code loader}. */
    static Method transportMethod(LibraryMember method, ClassLoader loader) throws Exception {
        return method.method(loader);
    }

    static Object transportConstant(LibraryMember constant, ClassLoader loader) throws Exception {
        return constant.constant(loader);
    }

    static SshdApi of(Object minaObject) {
        return APIS.of(minaObject);
    }

    static SshdApi ofType(Class<?> minaClass) {
        return APIS.ofType(minaClass);
    }

    /** The remote address of a session (the host name the app connected to, where it used one). */
    SocketAddress remoteAddress(Object session) throws Exception {
        Object io = Reflection.call(getIoSession, session);
        return io == null ? null : (SocketAddress) Reflection.call(getRemoteAddress, io);
    }

    /** {@code ClientSession.getConnectAddress()} where the line has it, else null. */
    SocketAddress connectAddress(Object session) {
        try {
            return getConnectAddress == null ? null : (SocketAddress) Reflection.call(getConnectAddress, session);
        } catch (Throwable older) {
            return null;
        }
    }

    Object ioSession(Object session) throws Exception {
        return Reflection.call(getIoSession, session);
    }

    Object sessionOf(Object channel) throws Exception {
        return Reflection.call(channelGetSession, channel);
    }

    boolean isClosing(Object closeable) throws Exception {
        return Boolean.TRUE.equals(Reflection.call(isClosing, closeable));
    }

    boolean isClosed(Object closeable) throws Exception {
        return Boolean.TRUE.equals(Reflection.call(isClosed, closeable));
    }

    boolean isOpen(Object closeable) throws Exception {
        return Boolean.TRUE.equals(Reflection.call(isOpen, closeable));
    }

    void closeImmediately(Object closeable) throws Exception {
        Reflection.call(close, closeable, true);
    }

    String command(Object channelExec) throws Exception {
        return execCommand == null ? null : (String) execCommand.get(channelExec);
    }

    /** What the app set (session, client or {@code org.apache.sshd.config.*}), or null. */
    Object get(Object property, Object session) throws Exception {
        return property == null ? null : Reflection.call(getOrCustomDefault, property, session, null);
    }

    void set(Object property, Object session, Object value) throws Exception {
        if (property == null) {
            throw new IllegalStateException("MINA property missing");
        }
        Reflection.call(set, property, session, value);
    }

    Object idleTimeoutStart(Object session) throws Exception {
        return Reflection.call(getIdleTimeoutStart, session);
    }

    /** The session's connection service, or null before it started. */
    Object connectionService(Object session) throws Exception {
        try {
            return Reflection.call(getService, session, connectionService);
        } catch (Exception none) {
            return null; // not yet started
        }
    }

    /** The session a connection service belongs to. */
    Object sessionOfService(Object service) throws Exception {
        return Reflection.call(serviceSession, service);
    }

    Object channels(Object service) throws Exception {
        return Reflection.call(getChannels, service);
    }

    /** The subsystem's name for a subsystem channel (sftp among them), else null. */
    String subsystemOf(Object channel) throws Exception {
        if (subsystem == null || getSubsystem == null || !subsystem.isInstance(channel)) {
            return null;
        }
        Object name = Reflection.call(getSubsystem, channel);
        return String.valueOf(name);
    }

    /** A want-reply global request, registered for its reply and not waited on ({@link SshdProbeLink}). */
    void probe(Object session, String request) throws Exception {
        Object buffer = Reflection.call(createBuffer, session, (byte) 80, 64); // SSH_MSG_GLOBAL_REQUEST
        Reflection.call(putString, buffer, request);
        Reflection.call(putBoolean, buffer, true);
        Reflection.call(asyncRequest, session, buffer, request, null);
    }

    void exceptionCaught(Object session, Throwable cause) throws Exception {
        Reflection.call(exceptionCaught, session, cause);
    }

    /** MINA's client has no signal API: the request is built as ChannelExec builds its exec request. */
    void signal(Object channel, Object session, byte requestType, String name) throws Exception {
        Object buffer = Reflection.call(createBuffer, session, requestType, 64);
        long recipient = ((Number) Reflection.call(getRecipient, channel)).longValue();
        Reflection.call(putUInt, buffer, recipient);
        Reflection.call(putString, buffer, "signal");
        Reflection.call(putBoolean, buffer, false);
        Reflection.call(putString, buffer, name);
        Reflection.call(writePacket, channel, buffer);
    }
}
