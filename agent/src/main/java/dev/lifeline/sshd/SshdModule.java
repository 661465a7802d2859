package dev.lifeline.sshd;

import dev.lifeline.instrument.Hook;
import dev.lifeline.instrument.InstrumentationModule;
import dev.lifeline.instrument.InstrumentedType;
import dev.lifeline.instrument.LibraryMember;
import dev.lifeline.instrument.LibraryRequirement;

import java.util.Arrays;
import java.util.List;

/**
 * Apache MINA SSHD 2.6 and later (run by the bench from 2.7.0, the line JGit 5.13 brings, up to 2.20). Before 2.6
 * there is no {@code CoreModuleProperties} (so no heartbeat properties to set): the connection service is left
 * unchanged there, with one {@code instrumentation.unsupported} line.
 * <ul>
 * <li>{@code ClientConnectionService}: created with each client session (the TCP connection new, before key exchange)
 * and reading the heartbeat properties into final fields in its constructor, so the properties go onto the session
 * on constructor entry, before that read (only the argument is touched there, never {@code this}). 2.13 added
 * heartbeats that count missing replies; 2.6 to 2.12 only wait per reply: two hooks, one per line.
 * {@code sendHeartBeat()} marks the heartbeat's thread while it runs.</li>
 * <li>{@code SessionHelper.exceptionCaught}: MINA's way to end a session on an error; on a heartbeat's thread, the
 * keepalive declaring the peer dead. {@code setAuthenticated()}: the end of what {@code connect.timeout} bounds.</li>
 * <li>{@code SshClient.doConnect(6 args)}: every {@code connect(...)} overload ends there; it returns the future the
 * app waits on, where the connect deadline starts (2.6 to 2.8 end with a boolean, 2.9+ with the host config).</li>
 * <li>{@code connect(target, context, local)} of MINA's three I/O connectors, {@code Nio2Connector} (the default),
 * {@code MinaConnector} (sshd-mina) and {@code NettyIoConnector} (sshd-netty), whichever {@code IoServiceFactoryFactory}
 * picked: every TCP connection a client opens, whoever creates the session (JGit's {@code JGitSshClient} overrides
 * {@code connect} and never calls {@code doConnect}): a deadline starts there, handed over to doConnect's when that
 * follows, else kept until the session authenticates. The descriptor is the same from 2.6 to 2.20 (sshd-mina and
 * sshd-netty checked on 2.7.0, 2.8.0, 2.12.1 and 2.14.0).</li>
 * <li>{@code ChannelExec.doOpen()} writes the exec request; {@code AbstractChannel.handleData/handleExtendedData}
 * see every incoming data packet; {@code AbstractClientChannel.getExitStatus()} reports no status for a command a
 * deadline ended; {@code AbstractCloseable.close(boolean)} is the one final method every MINA close goes through.</li>
 * <li>{@code DefaultSftpClient.receive(int, Duration)} (sshd-sftp 2.7+, optional): where every SFTP response is awaited,
 * {@code receive(int)} and {@code receive(int, long)} handing over to it: {@code sftp.timeout} is armed on entry;
 * {@code SftpOutputStreamAsync.write(byte[], int, int)}, {@code flush()} and {@code close()}, where a pipelined upload
 * waits for window to send (the stream never waits for acknowledgements before it sends, so once a stopped server's
 * window is spent, a flush or the close waits for the last write to go out: MINA's own limit there is
 * {@code sftp-client-cmd-timeout}, 30 s, on 2.14+, none before).</li>
 * <li>Local forwards: {@code AbstractClientSession.startLocalPortForwarding(local, remote)} returns the address bound;
 * {@code DefaultForwarder$StaticIoHandler.sessionCreated(IoSession)} opens a forwarded connection's channel (kept as
 * the local I/O session's {@code TcpipClientChannel} attribute), and its {@code messageReceived} is where the local
 * socket's data goes out (data in arrives through {@code handleData}).</li>
 * </ul>
 */
public final class SshdModule implements InstrumentationModule {
    static final String UNSUPPORTED = "MINA older than 2.6 (no CoreModuleProperties heartbeat properties): keepalive left as the app set it";
    private static final String PROPERTIES = "org.apache.sshd.core.CoreModuleProperties";
    private static final String CONNECTION_SERVICE = "org.apache.sshd.client.session.ClientConnectionService";
    private static final String SERVICE_CONSTRUCTOR = "(Lorg/apache/sshd/client/session/AbstractClientSession;)V";
    private static final String BUFFER = "(Lorg/apache/sshd/common/util/buffer/Buffer;)V";
    private static final String DO_CONNECT = "(Ljava/lang/String;Ljava/net/SocketAddress;Lorg/apache/sshd/common/AttributeRepository;"
            + "Ljava/net/SocketAddress;Lorg/apache/sshd/common/keyprovider/KeyIdentityProvider;"
            + "Lorg/apache/sshd/client/config/hosts/HostConfigEntry;)Lorg/apache/sshd/client/future/ConnectFuture;";

    private static final String DO_CONNECT_2_7 = "(Ljava/lang/String;Ljava/net/SocketAddress;Lorg/apache/sshd/common/AttributeRepository;"
            + "Ljava/net/SocketAddress;Lorg/apache/sshd/common/keyprovider/KeyIdentityProvider;Z)"
            + "Lorg/apache/sshd/client/future/ConnectFuture;";

    /** sshd-mina's and sshd-netty's connectors: in their own jars, which an app may or may not have. */
    static final String MINA_CONNECTOR = "org.apache.sshd.mina.MinaConnector";
    static final String NETTY_CONNECTOR = "org.apache.sshd.netty.NettyIoConnector";
    private static final String IO_CONNECT = "(Ljava/net/SocketAddress;Lorg/apache/sshd/common/AttributeRepository;"
            + "Ljava/net/SocketAddress;)Lorg/apache/sshd/common/io/IoConnectFuture;";

    /**
     * MINA 2.7 and 2.8's NIO2 connect future (a class of its own in those lines only; 2.9+ share one in sshd-common). A
     * TCP connect that completes after the future was failed still hands it a session, which it ignores: see
     * {@link SshdConnectDeadline#lateSession}. Later lines close such a session themselves.
     */
    public static final String LEGACY_IO_FUTURE = "org.apache.sshd.common.io.nio2.Nio2Connector$DefaultIoConnectFuture";

    // ---- the members SshdApi resolves: every one MINA is reached through (public interfaces where MINA has one) ----
    private static final String CLOSEABLE = "org.apache.sshd.common.Closeable";
    private static final String SFTP_CLIENT = "org.apache.sshd.sftp.client.impl.DefaultSftpClient";
    private static final String SFTP_BUFFER = "Lorg/apache/sshd/common/util/buffer/Buffer;";
    private static final String BEFORE_2_6 = "MINA 2.6+: CoreModuleProperties (before, SshdModule.UNSUPPORTED)";
    static final LibraryMember GET_IO_SESSION = LibraryMember.method("org.apache.sshd.common.session.Session", "getIoSession",
            "()Lorg/apache/sshd/common/io/IoSession;");
    static final LibraryMember GET_REMOTE_ADDRESS = LibraryMember.method("org.apache.sshd.common.io.IoSession", "getRemoteAddress",
            "()Ljava/net/SocketAddress;");
    static final LibraryMember GET_SESSION = LibraryMember.method("org.apache.sshd.common.session.SessionHolder", "getSession",
            "()Lorg/apache/sshd/common/session/Session;");
    static final LibraryMember IS_CLOSING = LibraryMember.method(CLOSEABLE, "isClosing", "()Z");
    static final LibraryMember IS_CLOSED = LibraryMember.method(CLOSEABLE, "isClosed", "()Z");
    static final LibraryMember IS_OPEN = LibraryMember.method(CLOSEABLE, "isOpen", "()Z");
    static final LibraryMember CLOSE = LibraryMember.method(CLOSEABLE, "close", "(Z)Lorg/apache/sshd/common/future/CloseFuture;");
    static final LibraryMember LISTENER = LibraryMember.type(SshdChannels.LISTENER);
    static final LibraryMember ADD_CLOSE_LISTENER = LibraryMember.method(CLOSEABLE, "addCloseFutureListener",
            "(Lorg/apache/sshd/common/future/SshFutureListener;)V");
    static final LibraryMember REMOVE_CLOSE_LISTENER = LibraryMember.method(CLOSEABLE, "removeCloseFutureListener",
            "(Lorg/apache/sshd/common/future/SshFutureListener;)V")
            .optional("the connect deadline's close listener then stays on the session for its life (2.7 to 2.20 have it)");
    static final LibraryMember GET_OR_CUSTOM_DEFAULT = LibraryMember.method("org.apache.sshd.common.Property", "getOrCustomDefault",
            "(Lorg/apache/sshd/common/PropertyResolver;Ljava/lang/Object;)Ljava/lang/Object;");
    static final LibraryMember SET = LibraryMember.method("org.apache.sshd.common.Property", "set",
            "(Lorg/apache/sshd/common/PropertyResolver;Ljava/lang/Object;)V");
    static final LibraryMember CLIENT_SESSION = LibraryMember.type("org.apache.sshd.client.session.ClientSession");
    static final LibraryMember CLIENT_CHANNEL = LibraryMember.type("org.apache.sshd.client.channel.AbstractClientChannel");
    static final LibraryMember EXEC_COMMAND = LibraryMember.field("org.apache.sshd.client.channel.ChannelExec", "command");
    static final LibraryMember HEARTBEAT_INTERVAL = LibraryMember.constant(PROPERTIES, "HEARTBEAT_INTERVAL").optional(BEFORE_2_6);
    static final LibraryMember HEARTBEAT_REQUEST = LibraryMember.constant(PROPERTIES, "HEARTBEAT_REQUEST").optional(BEFORE_2_6);
    static final LibraryMember HEARTBEAT_NO_REPLY_MAX = LibraryMember.constant(PROPERTIES, "HEARTBEAT_NO_REPLY_MAX")
            .optional("MINA 2.13+");
    static final LibraryMember HEARTBEAT_REPLY_WAIT = LibraryMember.constant(PROPERTIES, "HEARTBEAT_REPLY_WAIT")
            .optional("MINA 2.9 to 2.12 rely on it; a later line may drop it");
    static final LibraryMember GET_CONNECT_ADDRESS = LibraryMember.method("org.apache.sshd.client.session.ClientSession",
            "getConnectAddress", "()Ljava/net/SocketAddress;").optional("newer lines; else the remote address");
    static final LibraryMember GET_IDLE_TIMEOUT_START = LibraryMember.method("org.apache.sshd.common.session.Session",
            "getIdleTimeoutStart", "()Ljava/time/Instant;");
    static final LibraryMember GET_SERVICE = LibraryMember.method("org.apache.sshd.common.session.Session", "getService",
            "(Ljava/lang/Class;)Lorg/apache/sshd/common/Service;");
    static final LibraryMember SERVICE_TYPE = LibraryMember.type("org.apache.sshd.common.session.ConnectionService");
    static final LibraryMember GET_CHANNELS = LibraryMember.method("org.apache.sshd.common.session.helpers.AbstractConnectionService",
            "getChannels", "()Ljava/util/Collection;");
    static final LibraryMember SERVICE_HEARTBEAT_INTERVAL = LibraryMember.field(CONNECTION_SERVICE, "heartbeatInterval");
    static final LibraryMember SERVICE_NO_REPLY_MAX = LibraryMember.field(CONNECTION_SERVICE, "heartbeatMaxNoReply")
            .optional("MINA 2.13+");
    static final LibraryMember SERVICE_OUTSTANDING = LibraryMember.field(CONNECTION_SERVICE, "outstandingHeartbeats")
            .optional("MINA 2.13+");
    static final LibraryMember SFTP_CLIENT_CHANNEL = LibraryMember.method(SFTP_CLIENT, "getClientChannel",
            "()Lorg/apache/sshd/client/channel/ClientChannel;").optional("sshd-sftp, another jar");
    static final LibraryMember SFTP_STREAM_CLIENT = LibraryMember.method("org.apache.sshd.sftp.client.SftpClientHolder",
            "getClient", "()Lorg/apache/sshd/sftp/client/SftpClient;").optional("sshd-sftp, another jar");
    static final LibraryMember SERVICE_GET_SESSION = LibraryMember.method(
            "org.apache.sshd.common.session.helpers.AbstractConnectionService", "getSession",
            "()Lorg/apache/sshd/common/session/helpers/AbstractSession;");
    static final LibraryMember SUBSYSTEM = LibraryMember.type("org.apache.sshd.client.channel.ChannelSubsystem");
    static final LibraryMember GET_SUBSYSTEM = LibraryMember.method("org.apache.sshd.client.channel.ChannelSubsystem",
            "getSubsystem", "()Ljava/lang/String;");
    static final LibraryMember CREATE_BUFFER = LibraryMember.method("org.apache.sshd.common.session.Session", "createBuffer",
            "(BI)Lorg/apache/sshd/common/util/buffer/Buffer;");
    static final LibraryMember GET_RECIPIENT = LibraryMember.method("org.apache.sshd.common.channel.Channel", "getRecipient", "()I")
            .optional("int before 2.9, long after: one of the two");
    static final LibraryMember GET_RECIPIENT_LONG = LibraryMember.method("org.apache.sshd.common.channel.ChannelIdentifier",
            "getRecipient", "()J").optional("long from 2.9: one of the two");
    static final LibraryMember PUT_UINT = LibraryMember.method("org.apache.sshd.common.util.buffer.Buffer", "putUInt", "(J)V")
            .optional("newer lines; older ones putInt(long)");
    static final LibraryMember PUT_INT = LibraryMember.method("org.apache.sshd.common.util.buffer.Buffer", "putInt", "(J)V");
    static final LibraryMember PUT_STRING = LibraryMember.method("org.apache.sshd.common.util.buffer.Buffer", "putString",
            "(Ljava/lang/String;)V");
    static final LibraryMember PUT_BOOLEAN = LibraryMember.method("org.apache.sshd.common.util.buffer.Buffer", "putBoolean", "(Z)V");
    static final LibraryMember WRITE_PACKET = LibraryMember.method("org.apache.sshd.common.channel.Channel", "writePacket",
            "(Lorg/apache/sshd/common/util/buffer/Buffer;)Lorg/apache/sshd/common/io/IoWriteFuture;");
    /** Lifeline's own probe before 2.13 (SshdProbeLink): a want-reply global request MINA registers and does not wait on. */
    static final LibraryMember ASYNC_REQUEST = LibraryMember.method("org.apache.sshd.common.session.Session", "request",
            "(Lorg/apache/sshd/common/util/buffer/Buffer;Ljava/lang/String;"
                    + "Lorg/apache/sshd/common/future/GlobalRequestFuture$ReplyHandler;)Lorg/apache/sshd/common/future/GlobalRequestFuture;")
            .optional("2.9 to 2.12 have it (2.9.0 and 2.12.1 checked), 2.8.0 not: without it MINA's own heartbeat (reply wait) stays");
    static final LibraryMember EXCEPTION_CAUGHT = LibraryMember.method("org.apache.sshd.common.session.Session", "exceptionCaught",
            "(Ljava/lang/Throwable;)V");

    // sessions found open at attach (SshdFound, issue 24): MINA's session timeout checker holds them, once a second
    static final String TIMEOUT_LISTENER = "org.apache.sshd.common.session.helpers.SessionTimeoutListener";
    static final LibraryMember TIMEOUT_SESSIONS = LibraryMember.field(TIMEOUT_LISTENER, "sessions")
            .optional("MINA's session timeout checker's set; without it sessions open at attach are not found");
    static final LibraryMember SERVICE_HEARTBEAT_REQUEST = LibraryMember.field(CONNECTION_SERVICE, "heartbeatRequest");
    static final LibraryMember SERVICE_REPLY_MAX_WAIT = LibraryMember.field(CONNECTION_SERVICE, "heartbeatReplyMaxWait")
            .optional("MINA 2.6 to 2.12");
    static final LibraryMember START_HEARTBEAT = LibraryMember.method(CONNECTION_SERVICE, "startHeartBeat",
            "()Ljava/util/concurrent/ScheduledFuture;").declaredOnly();

    // the connect deadline's futures (SshdConnectDeadline)
    private static final String CONNECT_FUTURE = "org.apache.sshd.client.future.ConnectFuture";
    private static final String IO_FUTURE = "org.apache.sshd.common.io.IoConnectFuture";
    static final LibraryMember IS_AUTHENTICATED = LibraryMember.method("org.apache.sshd.common.session.SessionContext",
            "isAuthenticated", "()Z");
    static final LibraryMember ADD_LISTENER = LibraryMember.method("org.apache.sshd.common.future.SshFuture", "addListener",
            "(Lorg/apache/sshd/common/future/SshFutureListener;)Lorg/apache/sshd/common/future/SshFuture;");
    static final LibraryMember IS_DONE = LibraryMember.method("org.apache.sshd.common.future.WaitableFuture", "isDone", "()Z");
    /** Whether a connect future holds a session, not a failure: its getSession() rethrows a failure (MINA 2.x). */
    static final LibraryMember CONNECT_IS_CONNECTED = LibraryMember.method(CONNECT_FUTURE, "isConnected", "()Z");
    /** Declared by the future in 2.7 to 2.11, inherited from {@code WithException} from 2.12. */
    static final LibraryMember CONNECT_SET_EXCEPTION = LibraryMember.method(CONNECT_FUTURE, "setException", "(Ljava/lang/Throwable;)V");
    static final LibraryMember IO_SET_EXCEPTION = LibraryMember.method(IO_FUTURE, "setException", "(Ljava/lang/Throwable;)V");
    static final LibraryMember CONNECT_CANCEL = LibraryMember.method(CONNECT_FUTURE, "cancel", "()V")
            .optional("2.7 to 2.11; from 2.12 Cancellable.cancel()");
    static final LibraryMember IO_CANCEL = LibraryMember.method(IO_FUTURE, "cancel", "()V")
            .optional("2.7 to 2.11; from 2.12 Cancellable.cancel()");
    static final LibraryMember CANCELLABLE_CANCEL = LibraryMember.method("org.apache.sshd.common.future.Cancellable", "cancel",
            "()Lorg/apache/sshd/common/future/CancelFuture;").optional("2.12+");
    static final LibraryMember IO_GET_SESSION = LibraryMember.method(IO_FUTURE, "getSession", "()Lorg/apache/sshd/common/io/IoSession;");
    static final LibraryMember SESSION_OF_IO = LibraryMember.method("org.apache.sshd.common.session.helpers.AbstractSession",
            "getSession", "(Lorg/apache/sshd/common/io/IoSession;Z)Lorg/apache/sshd/common/session/helpers/AbstractSession;");
    /** NIO2's; sshd-mina's {@code MinaService} and sshd-netty's {@code NettyIoService} keep theirs under the same name. */
    static final LibraryMember CONNECTOR_HANDLER = LibraryMember.field("org.apache.sshd.common.io.nio2.Nio2Service", "handler");

    // the transports' sockets (SshdSockets): sshd-mina, mina-core, sshd-netty and Netty are jars an app may not have
    private static final String NETTY = "sshd-netty's transport (Netty)";
    static final LibraryMember NIO2_GET_SOCKET = LibraryMember.method("org.apache.sshd.common.io.nio2.Nio2Session", "getSocket",
            "()Ljava/nio/channels/AsynchronousSocketChannel;");
    static final LibraryMember MINA_GET_SESSION = LibraryMember.method("org.apache.sshd.mina.MinaSession", "getSession",
            "()Lorg/apache/mina/core/session/IoSession;").optional("sshd-mina's transport");
    static final LibraryMember MINA_CHANNEL = LibraryMember.field("org.apache.mina.transport.socket.nio.NioSession", "channel")
            .optional("sshd-mina's transport (mina-core)");
    static final LibraryMember NETTY_CONTEXT = LibraryMember.field("org.apache.sshd.netty.NettyIoSession", "context").optional(NETTY);
    static final LibraryMember NETTY_CHANNEL = LibraryMember.method("io.netty.channel.ChannelHandlerContext", "channel",
            "()Lio/netty/channel/Channel;").optional(NETTY);
    static final LibraryMember NETTY_JAVA_CHANNEL = LibraryMember.method("io.netty.channel.nio.AbstractNioChannel", "javaChannel",
            "()Ljava/nio/channels/SelectableChannel;").declaredOnly().optional(NETTY);
    static final LibraryMember NETTY_CONFIG = LibraryMember.method("io.netty.channel.Channel", "config",
            "()Lio/netty/channel/ChannelConfig;").optional(NETTY);
    static final LibraryMember NETTY_SET_OPTION = LibraryMember.method("io.netty.channel.ChannelConfig", "setOption",
            "(Lio/netty/channel/ChannelOption;Ljava/lang/Object;)Z").optional(NETTY);
    static final LibraryMember NETTY_GET_OPTION = LibraryMember.method("io.netty.channel.ChannelConfig", "getOption",
            "(Lio/netty/channel/ChannelOption;)Ljava/lang/Object;").optional(NETTY);
    static final LibraryMember NETTY_SO_KEEPALIVE = LibraryMember.constant("io.netty.channel.ChannelOption", "SO_KEEPALIVE")
            .optional(NETTY);
    static final LibraryMember EPOLL_KEEPIDLE = LibraryMember.constant("io.netty.channel.epoll.EpollChannelOption", "TCP_KEEPIDLE")
            .optional("Netty's epoll transport");
    static final LibraryMember EPOLL_KEEPINTVL = LibraryMember.constant("io.netty.channel.epoll.EpollChannelOption", "TCP_KEEPINTVL")
            .optional("Netty's epoll transport");
    static final LibraryMember EPOLL_KEEPCNT = LibraryMember.constant("io.netty.channel.epoll.EpollChannelOption", "TCP_KEEPCNT")
            .optional("Netty's epoll transport");
    static final LibraryMember NIO_OPTION_OF = LibraryMember.method("io.netty.channel.socket.nio.NioChannelOption", "of",
            "(Ljava/net/SocketOption;)Lio/netty/channel/ChannelOption;").optional(NETTY);

    // ---- local port forwards (SshdForwards): 2.7 to 2.20 share these ----
    private static final String FORWARD = "org.apache.sshd.common.forward.";
    private static final String SOCKET_ADDRESS = "org.apache.sshd.common.util.net.SshdSocketAddress";
    static final LibraryMember TCPIP_CLIENT_CHANNEL = LibraryMember.type(FORWARD + "TcpipClientChannel");
    static final LibraryMember TCPIP_REMOTE = LibraryMember.field(FORWARD + "TcpipClientChannel", "remote");
    static final LibraryMember IO_GET_ATTRIBUTE = LibraryMember.method("org.apache.sshd.common.io.IoSession", "getAttribute",
            "(Ljava/lang/Object;)Ljava/lang/Object;");
    static final LibraryMember ADDRESS_HOST = LibraryMember.method(SOCKET_ADDRESS, "getHostName", "()Ljava/lang/String;");
    static final LibraryMember ADDRESS_PORT = LibraryMember.method(SOCKET_ADDRESS, "getPort", "()I");
    static final LibraryMember LOCAL_FORWARD_STARTED = LibraryMember.method(FORWARD + "PortForwardingInformationProvider",
            "isLocalPortForwardingStartedForPort", "(I)Z");
    static final LibraryMember STOP_LOCAL_FORWARD = LibraryMember.method(FORWARD + "PortForwardingManager",
            "stopLocalPortForwarding", "(L" + SOCKET_ADDRESS.replace('.', '/') + ";)V");

    private static final List<LibraryMember> MEMBERS = Arrays.asList(IS_AUTHENTICATED, ADD_LISTENER, IS_DONE, CONNECT_IS_CONNECTED,
            CONNECT_SET_EXCEPTION, IO_SET_EXCEPTION, CONNECT_CANCEL, IO_CANCEL, CANCELLABLE_CANCEL, IO_GET_SESSION,
            SESSION_OF_IO, CONNECTOR_HANDLER, NIO2_GET_SOCKET, MINA_GET_SESSION, MINA_CHANNEL, NETTY_CONTEXT, NETTY_CHANNEL,
            NETTY_JAVA_CHANNEL, NETTY_CONFIG, NETTY_SET_OPTION, NETTY_GET_OPTION, NETTY_SO_KEEPALIVE, EPOLL_KEEPIDLE,
            EPOLL_KEEPINTVL, EPOLL_KEEPCNT, NIO_OPTION_OF,
            GET_IO_SESSION, GET_REMOTE_ADDRESS, GET_SESSION,
            IS_CLOSING, IS_CLOSED, IS_OPEN, CLOSE, LISTENER, ADD_CLOSE_LISTENER, REMOVE_CLOSE_LISTENER,
            GET_OR_CUSTOM_DEFAULT, SET, CLIENT_SESSION,
            CLIENT_CHANNEL, EXEC_COMMAND, HEARTBEAT_INTERVAL, HEARTBEAT_REQUEST, HEARTBEAT_NO_REPLY_MAX, HEARTBEAT_REPLY_WAIT,
            GET_CONNECT_ADDRESS, GET_IDLE_TIMEOUT_START, GET_SERVICE, SERVICE_TYPE, GET_CHANNELS,
            SERVICE_HEARTBEAT_INTERVAL, SERVICE_NO_REPLY_MAX, SERVICE_OUTSTANDING, SERVICE_GET_SESSION, SUBSYSTEM, GET_SUBSYSTEM, CREATE_BUFFER,
            GET_RECIPIENT, GET_RECIPIENT_LONG, PUT_UINT, PUT_INT, PUT_STRING, PUT_BOOLEAN, WRITE_PACKET, ASYNC_REQUEST, EXCEPTION_CAUGHT,
            SFTP_CLIENT_CHANNEL, SFTP_STREAM_CLIENT,
            TIMEOUT_SESSIONS, SERVICE_HEARTBEAT_REQUEST, SERVICE_REPLY_MAX_WAIT, START_HEARTBEAT,
            TCPIP_CLIENT_CHANNEL, TCPIP_REMOTE, IO_GET_ATTRIBUTE, ADDRESS_HOST, ADDRESS_PORT, LOCAL_FORWARD_STARTED,
            STOP_LOCAL_FORWARD);

    /** An {@code IoConnector}'s {@code connect(target, context, local)}: where every client's TCP connection starts. */
    private static InstrumentedType ioConnector(String className) {
        return InstrumentedType.named(className)
                .hooks(Hook.on("connect", IO_CONNECT, SshdHooks.class).exitWithValue("ioConnectStarted"));
    }

    @Override
    public String name() {
        return "sshd";
    }

    @Override
    public String library() {
        return "org.apache.sshd";
    }

    @Override
    public String packagePrefix() {
        return "org/apache/sshd/";
    }

    @Override
    public String[] relocationSignature() {
        return new String[]{"client/SshClient", "client/session/ClientSessionImpl"};
    }

    @Override
    public Class<?> hookClass() {
        return SshdHooks.class;
    }

    @Override
    public List<InstrumentedType> types() {
        return Arrays.asList(
                InstrumentedType.named(CONNECTION_SERVICE)
                        .when(new LibraryRequirement(PROPERTIES, "HEARTBEAT_NO_REPLY_MAX", UNSUPPORTED))
                        .hooks(Hook.on("<init>", SERVICE_CONSTRUCTOR, SshdHooks.class).enter("serviceCreating")),
                InstrumentedType.named(CONNECTION_SERVICE)
                        .when(new LibraryRequirement(PROPERTIES, "HEARTBEAT_REPLY_WAIT", "HEARTBEAT_NO_REPLY_MAX", UNSUPPORTED))
                        .hooks(Hook.on("<init>", SERVICE_CONSTRUCTOR, SshdHooks.class).enter("legacyServiceCreating")),
                InstrumentedType.named(CONNECTION_SERVICE)
                        .hooks(Hook.on("sendHeartBeat", "()Z", SshdHooks.class).thisOnly()
                                .enter("heartbeatStarting").exitOrThrow("heartbeatEnded")),
                InstrumentedType.named("org.apache.sshd.common.session.helpers.AbstractSession")
                        .hooks(Hook.on("handleMessage", BUFFER, SshdHooks.class).thisOnly().enter("packetReceived")),
                InstrumentedType.named("org.apache.sshd.common.session.helpers.SessionHelper")
                        .hooks(Hook.on("exceptionCaught", "(Ljava/lang/Throwable;)V", SshdHooks.class).enter("exceptionCaught"),
                                Hook.on("setAuthenticated", "()V", SshdHooks.class).optional().exit("authenticated")),
                // once a second while sessions are open: where sessions open at attach are found (SshdFound)
                InstrumentedType.named(TIMEOUT_LISTENER)
                        .hooks(Hook.on("run", "()V", SshdHooks.class).thisOnly().optional().enter("timeoutsChecking")),
                InstrumentedType.named("org.apache.sshd.client.SshClient")
                        // one of the two, by line: 2.7 and 2.8 end with a boolean where 2.9+ take the HostConfigEntry
                        .hooks(Hook.on("doConnect", DO_CONNECT, SshdHooks.class).optional().exitWithValue("connectStarted"),
                                Hook.on("doConnect", DO_CONNECT_2_7, SshdHooks.class).optional()
                                        .exitWithValue("connectStartedBefore2_9")),
                ioConnector("org.apache.sshd.common.io.nio2.Nio2Connector"),
                ioConnector(MINA_CONNECTOR),
                ioConnector(NETTY_CONNECTOR),
                InstrumentedType.named(LEGACY_IO_FUTURE)
                        .hooks(Hook.on("setSession", "(Lorg/apache/sshd/common/io/IoSession;)V", SshdHooks.class)
                                .enter("ioSessionArriving")),
                InstrumentedType.named("org.apache.sshd.client.session.AbstractClientSession")
                        .hooks(Hook.on("startLocalPortForwarding", "(L" + SOCKET_ADDRESS.replace('.', '/') + ";L"
                                + SOCKET_ADDRESS.replace('.', '/') + ";)L" + SOCKET_ADDRESS.replace('.', '/') + ";",
                                SshdHooks.class).exitWithValue("forwardListening")),
                InstrumentedType.named(FORWARD + "DefaultForwarder$StaticIoHandler")
                        .hooks(Hook.on("sessionCreated", "(Lorg/apache/sshd/common/io/IoSession;)V", SshdHooks.class)
                                        .exit("forwardConnected"),
                                Hook.on("messageReceived", "(Lorg/apache/sshd/common/io/IoSession;"
                                        + "Lorg/apache/sshd/common/util/Readable;)V", SshdHooks.class).enter("forwardDataOut")),
                InstrumentedType.named("org.apache.sshd.client.channel.ChannelExec")
                        .hooks(Hook.on("doOpen", "()V", SshdHooks.class).exit("execOpened")),
                InstrumentedType.named("org.apache.sshd.common.channel.AbstractChannel")
                        .hooks(Hook.on("handleData", BUFFER, SshdHooks.class).thisOnly().enter("output"),
                                Hook.on("handleExtendedData", BUFFER, SshdHooks.class).thisOnly().enter("output")),
                InstrumentedType.named("org.apache.sshd.common.util.closeable.AbstractCloseable")
                        .hooks(Hook.on("close", "(Z)Lorg/apache/sshd/common/future/CloseFuture;", SshdHooks.class).enter("closing")),
                InstrumentedType.named("org.apache.sshd.client.channel.AbstractClientChannel")
                        .hooks(Hook.on("getExitStatus", "()Ljava/lang/Integer;", SshdHooks.class).exitReplacingValue("exitStatus")),
                // sftp.timeout: every SFTP response is awaited here (sshd-sftp 2.7+)
                InstrumentedType.named(SFTP_CLIENT)
                        .hooks(Hook.on("receive", "(ILjava/time/Duration;)" + SFTP_BUFFER, SshdHooks.class).optional()
                                .enterKeepingState("sftpWaiting").exitOrThrow("sftpAnswered")),
                InstrumentedType.named("org.apache.sshd.sftp.client.impl.SftpOutputStreamAsync")
                        .hooks(streamCall("write", "([BII)V"), streamCall("flush", "()V"), streamCall("close", "()V")));
    }

    /** A call of MINA's upload stream bounded as a whole by sftp.timeout: each may wait for the window to send. */
    private static Hook streamCall(String method, String descriptor) {
        return Hook.on(method, descriptor, SshdHooks.class).optional().thisOnly()
                .enterKeepingState("sftpWriting").exitOrThrow("sftpWritten");
    }

    @Override
    public List<LibraryMember> members() {
        return MEMBERS;
    }
}
