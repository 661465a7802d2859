package dev.lifeline.ssh2family;

import dev.lifeline.enforce.Sockets;
import dev.lifeline.instrument.Reflection;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.Socket;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * One library copy's members ({@link Ssh2Library}'s declarations resolved in its class loader), cached per loader.
 * Connection, transport, channel manager, session and channel: the family keeps everything in fields of these five,
 * and their methods are {@code synchronized} on the connection (so only fields are read from Lifeline's threads).
 */
final class Ssh2Api {
    final Field tm;
    final Field cm;
    final Field authenticated;
    final Method getHostname;
    final Method getPort;
    final Field sock;
    /** The transport's close cause: set once it closed. */
    final Field closeCause;
    final Method transportClose;
    final Method sendMessage;
    final Field channels;
    final Field globalSuccess;
    final Field globalFailed;
    final Method getChannel;
    final Field sessionChannel;
    final Field sessionManager;
    final Method sessionClose;
    /** Jenkins' fork only; null elsewhere. */
    final Method sessionSignal;
    final Field channelState;
    final Field closeSent;
    final Field receiveThread;
    final Field handlers;
    final Field handler;
    final Field kex;
    final Field kexHostname;
    final Field kexPort;
    final Field localId;
    final Method closeChannel;
    /** Jenkins' fork only; null elsewhere. */
    final Method channelSignal;

    Ssh2Api(Ssh2Library lib, ClassLoader loader) throws Exception {
        tm = lib.connectionTm.field(loader);
        cm = lib.connectionCm.field(loader);
        authenticated = lib.connectionAuthenticated.field(loader);
        getHostname = lib.getHostname.method(loader);
        getPort = lib.getPort.method(loader);
        sock = lib.transportSocket.field(loader);
        closeCause = lib.transportClosed.field(loader);
        transportClose = lib.transportClose.method(loader);
        sendMessage = lib.transportSend.method(loader);
        channels = lib.managerChannels.field(loader);
        globalSuccess = lib.globalSuccessCounter.field(loader);
        globalFailed = lib.globalFailedCounter.field(loader);
        getChannel = lib.getChannel.declaredMethodOf(lib.getChannel.ownerIn(loader));
        sessionChannel = lib.sessionChannel.field(loader);
        sessionManager = lib.sessionManager.field(loader);
        sessionClose = lib.sessionClose.method(loader);
        sessionSignal = lib.sessionSignal.methodOrNull(loader);
        channelState = lib.channelState.field(loader);
        closeSent = lib.channelCloseSent.field(loader);
        receiveThread = lib.transportReceiveThread.field(loader);
        handlers = lib.transportHandlers.field(loader);
        handler = lib.handlerEntryHandler.field(loader);
        kex = lib.transportKex.field(loader);
        kexHostname = lib.kexHostname.field(loader);
        kexPort = lib.kexPort.field(loader);
        localId = lib.channelLocalId.field(loader);
        closeChannel = lib.managerCloseChannel.method(loader);
        channelSignal = lib.channelSignal.methodOrNull(loader);
    }

    String host(Object connection) throws Exception {
        return (String) Reflection.call(getHostname, connection);
    }

    int port(Object connection) throws Exception {
        return (Integer) Reflection.call(getPort, connection);
    }

    /** The transport, or null before {@code connect()} and after {@code close()}. */
    Object transport(Object connection) {
        return Reflection.readQuietly(tm, connection);
    }

    Object channelManager(Object connection) {
        return Reflection.readQuietly(cm, connection);
    }

    boolean isAuthenticated(Object connection) {
        return Boolean.TRUE.equals(Reflection.readQuietly(authenticated, connection));
    }

    Socket socket(Object transport) {
        return transport == null ? null : Sockets.asSocket(Reflection.readQuietly(sock, transport));
    }

    boolean transportClosed(Object transport) {
        return transport == null || Reflection.readQuietly(closeCause, transport) != null;
    }

    /** The library's hard close ({@code close(cause, false)}): the socket first, no lock held while it closes. */
    void closeTransport(Object transport, Throwable cause) throws Exception {
        Reflection.call(transportClose, transport, cause, false);
    }

    /** A transport write: may block (a key exchange, a writer stuck on a full socket buffer holds its lock). */
    void send(Object transport, byte[] payload) throws Exception {
        Reflection.call(sendMessage, transport, payload);
    }

    /** The connection's channels: a {@code Vector} (Trilead) or a synchronized list (Ganymed), copied under its lock. */
    List<Object> channels(Object manager) {
        Object all = manager == null ? null : Reflection.readQuietly(channels, manager);
        if (!(all instanceof Collection)) {
            return Collections.emptyList();
        }
        synchronized (all) {
            return new java.util.ArrayList<Object>((Collection<?>) all);
        }
    }

    /** Where the library counts global request replies (its own requests wait on these under {@code channels}). */
    Object repliesLock(Object manager) {
        return Reflection.readQuietly(channels, manager);
    }

    /** Undoes one reply count the library is about to add: caller holds {@link #repliesLock}. */
    void uncountReply(Object manager, boolean success) throws Exception {
        Field f = success ? globalSuccess : globalFailed;
        f.setInt(manager, f.getInt(manager) - 1);
    }

    /** The channel a message names (its recipient channel number), or null. */
    Object channel(Object manager, int localId) {
        try {
            return Reflection.call(getChannel, manager, localId);
        } catch (Throwable unknownOrGone) {
            return null;
        }
    }

    Object channelOf(Object session) {
        return Reflection.readQuietly(sessionChannel, session);
    }

    Object managerOf(Object session) {
        return Reflection.readQuietly(sessionManager, session);
    }

    void closeSession(Object session) throws Exception {
        Reflection.call(sessionClose, session);
    }

    /** @return false where the library sends no signals */
    boolean signal(Object session, String name) throws Exception {
        if (sessionSignal == null) {
            return false;
        }
        Reflection.call(sessionSignal, session, name);
        return true;
    }

    boolean sendsSignals() {
        return sessionSignal != null;
    }

    /** {@code Channel.STATE_CLOSED} (4) in both libraries. */
    boolean isClosed(Object channel) {
        Object s = Reflection.readQuietly(channelState, channel);
        return s instanceof Integer && (Integer) s == 4;
    }

    boolean closeSent(Object channel) {
        return Boolean.TRUE.equals(Reflection.readQuietly(closeSent, channel));
    }

    // ---- issue 24: a connection found at attach, reached from its receive thread (Ssh2Found) ----

    /** The transport's receive thread (null before the key exchange started it). */
    Object receiveThreadOf(Object transport) {
        return Reflection.readQuietly(receiveThread, transport);
    }

    /**
     * The host and port the app gave, kept by the client's key exchange; null for a server-side transport (Ganymed
     * 262 has one) or before the key exchange.
     */
    Object[] hostAndPort(Object transport) {
        Object km = Reflection.readQuietly(kex, transport);
        if (km == null || !kexHostname.getDeclaringClass().isInstance(km)) {
            return null;
        }
        return new Object[]{Reflection.readQuietly(kexHostname, km), Reflection.readQuietly(kexPort, km)};
    }

    /**
     * The transport's channel manager: the library registers it as the handler of the connection protocol's messages
     * when authentication succeeds; null before.
     */
    Object managerOfTransport(Object transport) {
        Object all = Reflection.readQuietly(handlers, transport);
        if (!(all instanceof Collection)) {
            return null;
        }
        Object[] entries;
        synchronized (all) { // the library's own lock for the list (a Vector, or a list it synchronizes on)
            entries = ((Collection<?>) all).toArray();
        }
        Class<?> manager = getChannel.getDeclaringClass();
        for (Object e : entries) {
            Object h = e == null ? null : Reflection.readQuietly(handler, e);
            if (manager.isInstance(h)) {
                return h;
            }
        }
        return null;
    }

    /** The channel's number on this side ({@code chan#N} in what the attach prints), or -1. */
    int localId(Object channel) {
        Object id = Reflection.readQuietly(localId, channel);
        return id instanceof Integer ? (Integer) id : -1;
    }

    /** {@code Session.close()} without the session: what it does to the channel (a forced close: waiters woken first). */
    void closeChannel(Object manager, Object channel) throws Exception {
        Reflection.call(closeChannel, manager, channel, "Lifeline: exec deadline", true);
    }

    /** @return false where the library sends no signals on a channel */
    boolean signalChannel(Object channel, String name) throws Exception {
        if (channelSignal == null) {
            return false;
        }
        Reflection.call(channelSignal, channel, name);
        return true;
    }
}
