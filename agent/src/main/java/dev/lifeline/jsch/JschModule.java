package dev.lifeline.jsch;

import dev.lifeline.instrument.Hook;
import dev.lifeline.instrument.InstrumentationModule;
import dev.lifeline.instrument.InstrumentedType;
import dev.lifeline.instrument.LibraryMember;

import java.util.Arrays;
import java.util.List;

/**
 * JSch (mwiede 0.2.x/2.x and jcraft 0.1.55 share these members).
 * <ul>
 * <li>{@code Session.connect(int)}: the first point where host and port are final and the last before the session's
 * reader thread starts, so keepalive is set on entry (JSch's keepalive rides on the socket read timeout that thread
 * reads once); {@code connect()} delegates to it in every line, so each connect is seen once.</li>
 * <li>{@code Session.read(Buffer)}: the reader thread; a run of timeouts is how JSch's keepalive declares the peer
 * dead.</li>
 * <li>{@code Channel.write/write_ext}: every incoming data packet (the exec idle clock); {@code disconnect()}: every
 * way a channel ends; {@code getExitStatus()}: a command a deadline sent TERM reports no exit status (-1).</li>
 * <li>{@code ChannelExec.start()} sends the exec request: from its normal return the command runs.</li>
 * <li>{@code ChannelSftp.header(Buffer, Header)} (optional): every SFTP response's header is read here, on the app's
 * thread, in every line (jcraft 0.1.55 to mwiede 2.x): the channel's pipe ({@code io_in}) is registered. Every call of
 * {@code InputStream.read(byte[], int, int)} and {@code skip(long)} in {@code ChannelSftp} and in {@code ChannelSftp$2}
 * (the stream {@code get()} returns) is replaced by a hook (a call-site hook): on that pipe, a read that would block is
 * bounded by {@code sftp.timeout}; JSch reads a response's body straight from the pipe in several places, so the
 * header alone would leave a body that stops arriving unbounded. Other streams (the app's source of a {@code put}) are
 * read as they were. {@code Session.write(Packet, Channel, int)} (below) is where an SFTP write waits when the
 * channel's window ({@code Channel.rwsize}) does not take it: a server that stopped reading never opens it again, and
 * a put with more requests in flight than the window holds waits there, not for a response.</li>
 * <li>Local forwards: {@code setPortForwardingL(String, int, String, int, ServerSocketFactory, int)}, which every
 * overload calls, returns the port bound; {@code ChannelDirectTCPIP.connect(int)} starts a forwarded connection (its
 * thread copies the local socket into {@code Session.write(Packet, Channel, int)}, the one way channel data goes
 * out and where it waits for the peer's window; data in arrives through {@code Channel.write}). {@code disconnect()} closes a session's listeners itself.</li>
 * <li>{@code Channel.getInputStream()/getExtInputStream()} (optional: a line may drop or rename them): the pipes an
 * app's reader waits on are {@code java.io} objects JSch's fields do not reach (unless the input buffer is resizable),
 * so their return values tie a blocked reader to its channel and session.</li>
 * </ul>
 */
public final class JschModule implements InstrumentationModule {
    private static final String BUFFER = "Lcom/jcraft/jsch/Buffer;";
    private static final String SESSION = "com.jcraft.jsch.Session";
    private static final String CHANNEL = "com.jcraft.jsch.Channel";
    private static final String CHANNEL_SFTP = "com.jcraft.jsch.ChannelSftp";

    // ---- the members JschApi resolves: every one JSch is reached through ----
    static final LibraryMember GET_HOST = LibraryMember.method(SESSION, "getHost", "()Ljava/lang/String;");
    static final LibraryMember GET_PORT = LibraryMember.method(SESSION, "getPort", "()I");
    static final LibraryMember GET_TIMEOUT = LibraryMember.method(SESSION, "getTimeout", "()I");
    static final LibraryMember IS_CONNECTED = LibraryMember.method(SESSION, "isConnected", "()Z");
    static final LibraryMember GET_ALIVE_INTERVAL = LibraryMember.method(SESSION, "getServerAliveInterval", "()I");
    static final LibraryMember SET_ALIVE_INTERVAL = LibraryMember.method(SESSION, "setServerAliveInterval", "(I)V");
    static final LibraryMember GET_ALIVE_COUNT_MAX = LibraryMember.method(SESSION, "getServerAliveCountMax", "()I");
    static final LibraryMember SET_ALIVE_COUNT_MAX = LibraryMember.method(SESSION, "setServerAliveCountMax", "(I)V");
    static final LibraryMember SESSION_SOCKET = LibraryMember.field(SESSION, "socket");
    /** Put back to the app's value once Lifeline set the interval after a connect: JSch's key-exchange wait. */
    static final LibraryMember SESSION_TIMEOUT = LibraryMember.field(SESSION, "timeout");
    static final LibraryMember SESSION_PROXY = LibraryMember.field(SESSION, "proxy");
    /** JSch's ProxyHTTP, ProxySOCKS4 and ProxySOCKS5 each keep their socket in a field so named; an app's proxy may not. */
    static final LibraryMember PROXY_SOCKET = LibraryMember.field("com.jcraft.jsch.ProxyHTTP", "socket")
            .optional("an app's own Proxy keeps its socket where it likes");
    /** A proxy that gives JSch no socket: Lifeline's keepalive ends a dead session as JSch's reader would (JschProxyKeepalive). */
    static final LibraryMember PROXY_CLOSE = LibraryMember.method("com.jcraft.jsch.Proxy", "close", "()V");
    static final LibraryMember SESSION_DISCONNECT = LibraryMember.method(SESSION, "disconnect", "()V");
    static final LibraryMember SESSION_CHANNELS = LibraryMember.field(SESSION, "channels")
            .optional("mwiede 2.x: a session's own channel list");
    static final LibraryMember CHANNEL_POOL = LibraryMember.field(CHANNEL, "pool")
            .optional("jcraft and mwiede before 2.x: all sessions' channels in one static list");
    static final LibraryMember CHANNEL_SESSION = LibraryMember.field(CHANNEL, "session");
    /** The pipe ChannelSftp reads every response from: its reads are bounded by sftp.timeout. */
    static final LibraryMember SFTP_IN = LibraryMember.field(CHANNEL_SFTP, "io_in").optional("sftp.timeout only");
    /** How much the peer's window still takes: an SFTP write that does not fit waits for it in Session.write. */
    static final LibraryMember CHANNEL_RWSIZE = LibraryMember.field(CHANNEL, "rwsize").optional("sftp.timeout only");
    static final LibraryMember CHANNEL_GET_SESSION = LibraryMember.method(CHANNEL, "getSession", "()Lcom/jcraft/jsch/Session;");
    static final LibraryMember SEND_SIGNAL = LibraryMember.method(CHANNEL, "sendSignal", "(Ljava/lang/String;)V");
    static final LibraryMember IS_CLOSED = LibraryMember.method(CHANNEL, "isClosed", "()Z");
    static final LibraryMember CHANNEL_DISCONNECT = LibraryMember.method(CHANNEL, "disconnect", "()V");
    static final LibraryMember EXEC_COMMAND = LibraryMember.field("com.jcraft.jsch.ChannelExec", "command");
    /** A session found open at attach (issue 24): its incoming packet count tells whether its reader is still in the read it was in. */
    static final LibraryMember SESSION_SEQI = LibraryMember.field(SESSION, "seqi")
            .optional("JSch's private incoming sequence number; without it a session found at attach gets no probes");
    static final LibraryMember SEND_KEEPALIVE = LibraryMember.method(SESSION, "sendKeepAliveMsg", "()V");
    /** At attach: the reader threads of the sessions found, so that a reader whose session was not reached is counted. */
    static final LibraryMember SESSION_CONNECT_THREAD = LibraryMember.field(SESSION, "connectThread")
            .optional("issue 24: JSch's reader thread of a session found at attach");

    // ---- local port forwards (JschForwards): the target of a forwarded channel, the session's listeners ----
    private static final String DIRECT_TCPIP = "com.jcraft.jsch.ChannelDirectTCPIP";
    static final LibraryMember DIRECT_HOST = LibraryMember.field(DIRECT_TCPIP, "host");
    static final LibraryMember DIRECT_PORT = LibraryMember.field(DIRECT_TCPIP, "port");
    static final LibraryMember GET_FORWARDS_L = LibraryMember.method(SESSION, "getPortForwardingL", "()[Ljava/lang/String;");
    static final LibraryMember DEL_FORWARD_L = LibraryMember.method(SESSION, "delPortForwardingL", "(Ljava/lang/String;I)V");

    private static final List<LibraryMember> MEMBERS = Arrays.asList(GET_HOST, GET_PORT, GET_TIMEOUT,
            IS_CONNECTED, GET_ALIVE_INTERVAL, SET_ALIVE_INTERVAL, GET_ALIVE_COUNT_MAX, SET_ALIVE_COUNT_MAX, SESSION_SOCKET,
            SESSION_TIMEOUT, SESSION_PROXY, PROXY_SOCKET, PROXY_CLOSE, SESSION_DISCONNECT, SESSION_CHANNELS, CHANNEL_POOL, CHANNEL_SESSION,
            CHANNEL_GET_SESSION, SEND_SIGNAL, IS_CLOSED, CHANNEL_DISCONNECT, EXEC_COMMAND, SESSION_SEQI, SEND_KEEPALIVE,
            SESSION_CONNECT_THREAD,
            DIRECT_HOST, DIRECT_PORT, GET_FORWARDS_L, DEL_FORWARD_L, SFTP_IN, CHANNEL_RWSIZE);

    @Override
    public String name() {
        return "jsch";
    }

    @Override
    public String library() {
        return "com.jcraft.jsch";
    }

    @Override
    public String packagePrefix() {
        return "com/jcraft/jsch/";
    }

    @Override
    public String[] relocationSignature() {
        return new String[]{"JSch", "ChannelExec"};
    }

    @Override
    public Class<?> hookClass() {
        return JschHooks.class;
    }

    @Override
    public List<InstrumentedType> types() {
        return Arrays.asList(
                InstrumentedType.named(SESSION)
                        .hooks(Hook.on("connect", "(I)V", JschHooks.class)
                                        .enterReplacingArg("connectStarting", 0).exitOrThrow("connectEnded"),
                                Hook.on("disconnect", "()V", JschHooks.class)
                                        .enterKeepingState("sessionDisconnecting").exitOrThrow("disconnected"),
                                Hook.on("read", "(" + BUFFER + ")" + BUFFER, JschHooks.class).thisOnly().exitOrThrow("readEnded"),
                                // forwards: a listener bound (every setPortForwardingL overload ends here), data out
                                Hook.on("setPortForwardingL", "(Ljava/lang/String;ILjava/lang/String;I"
                                        + "Lcom/jcraft/jsch/ServerSocketFactory;I)I", JschHooks.class)
                                        .exitWithValue("forwardListening"),
                                // and sftp.timeout: an SFTP write that waits here for the channel's window
                                Hook.on("write", "(Lcom/jcraft/jsch/Packet;Lcom/jcraft/jsch/Channel;I)V", JschHooks.class)
                                        .enterKeepingState("channelWriting").exitOrThrow("channelWritten")),
                InstrumentedType.named(CHANNEL)
                        .hooks(Hook.on("write", "([BII)V", JschHooks.class).thisOnly().enter("output"),
                                Hook.on("write_ext", "([BII)V", JschHooks.class).thisOnly().enter("output"),
                                Hook.on("disconnect", "()V", JschHooks.class)
                                        .enterKeepingState("channelDisconnecting").exitOrThrow("disconnected"),
                                Hook.on("getExitStatus", "()I", JschHooks.class).exitReplacingValue("exitStatus"),
                                // the pipes an app's reader waits on: java.io objects, not reachable through JSch's fields
                                Hook.on("getInputStream", "()Ljava/io/InputStream;", JschHooks.class).optional()
                                        .exitWithValue("pipeOpened"),
                                Hook.on("getExtInputStream", "()Ljava/io/InputStream;", JschHooks.class).optional()
                                        .exitWithValue("pipeOpened")),
                InstrumentedType.named("com.jcraft.jsch.ChannelExec")
                        .hooks(Hook.on("start", "()V", JschHooks.class).exit("execStarted")),
                // sftp.timeout: every response's header is read in header(), on the app's thread, where the channel's
                // pipe is registered; every read of that pipe (header and body, and those of get()'s stream, $2)
                InstrumentedType.named(CHANNEL_SFTP)
                        .hooks(Hook.on("header", "(" + BUFFER + "Lcom/jcraft/jsch/ChannelSftp$Header;)"
                                + "Lcom/jcraft/jsch/ChannelSftp$Header;", JschHooks.class).optional().thisOnly()
                                .enter("sftpResponseExpected"), sftpRead(), sftpSkip()),
                InstrumentedType.named(CHANNEL_SFTP + "$2").hooks(sftpRead(), sftpSkip()),
                InstrumentedType.named(DIRECT_TCPIP)
                        .hooks(Hook.on("connect", "(I)V", JschHooks.class).thisOnly().exit("forwardConnected")));
    }

    private static Hook sftpRead() {
        return Hook.onCall("java/io/InputStream", "read", "([BII)I", JschHooks.class).redirect("sftpRead");
    }

    private static Hook sftpSkip() {
        return Hook.onCall("java/io/InputStream", "skip", "(J)J", JschHooks.class).redirect("sftpSkip");
    }

    @Override
    public List<LibraryMember> members() {
        return MEMBERS;
    }
}
