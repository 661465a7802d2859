package dev.lifeline.sshj;

import dev.lifeline.instrument.Hook;
import dev.lifeline.instrument.InstrumentationModule;
import dev.lifeline.instrument.InstrumentedType;
import dev.lifeline.instrument.LibraryMember;

import java.util.Arrays;
import java.util.List;

/**
 * sshj ({@code com.hierynomus:sshj}, 0.27 to 0.40 share these members; its classes live under {@code net.schmizz}).
 * <ul>
 * <li>{@code SocketClient.connect(host, port[, localAddr, localPort])}: every way an {@code SSHClient} opens its own
 * socket (the one-argument and proxy variants delegate to these). On entry host and port are known and nothing is
 * started yet: the connection's keepalive is chosen here (sshj's default {@code Heartbeater} has no miss count, so a
 * {@code KeepAliveRunner} from {@code KeepAliveProvider.KEEP_ALIVE} replaces it when Lifeline sets keepalive; 0.27
 * starts its thread when the interval is set, 0.40 in {@code onConnect} after key exchange), and the connect
 * deadline armed. The method returns after TCP connect, banner and key exchange ({@code onConnect}).</li>
 * <li>{@code SocketClient.connectVia(Channel, host, port)} (0.40; 0.27 has none): a connection tunnelled in another
 * connection's channel ({@code connectVia(DirectConnection)} delegates here). The same as a connect, with no socket:
 * no TCP keepalive, and where a socket would be shut the carrying channel is closed.</li>
 * <li>{@code SSHClient.auth(String, Iterable)}: every {@code auth*} method ends here; the connect deadline covers
 * TCP + key exchange + authentication, and ends with it.</li>
 * <li>{@code SSHClient.disconnect()}: the close deadline.</li>
 * <li>{@code TransportImpl.handle(Message, SSHPacket)}: every packet the reader thread decodes (keepalive replies
 * included), 0.27 to 0.40: the connection's last-packet clock, which sshj does not keep.</li>
 * <li>{@code KeepAliveRunner.checkMaxReached(Queue)}: throws when {@code maxAliveCount} keepalives are unanswered,
 * sshj's verdict that the peer is dead ({@code KeepAlive.run} then kills the transport); on entry, on the runner's own
 * thread, the queue of unanswered requests it is handed is emptied when a packet arrived since the previous check
 * (OpenSSH's meaning of countMax, for a runner Lifeline configured).</li>
 * <li>{@code SessionChannel.exec(String)}: from its return the command runs; {@code getExitStatus()}: null after a
 * deadline; {@code AbstractChannel.receiveInto}: every data packet (the idle clock); {@code finishOff()}: every way a
 * channel ends (close reply, transport error).</li>
 * <li>{@code SFTPEngine.request(Request)} (optional): every SFTP request goes out here and returns its response's
 * promise, where {@code sftp.timeout} starts; {@code Promise.deliver/deliverError} (every promise of sshj: one map
 * lookup) end it. {@code Window$Remote.awaitExpansion(long)} (optional): where a request waits to be sent while the
 * channel's window is spent (a server that stopped reading never opens it; sshj gives up after its own timeout, 30 s
 * by default): an SFTP channel's window ({@code AbstractChannel.rwin}) is bounded by {@code sftp.timeout} too.</li>
 * <li>Local forwards: {@code SSHClient.newLocalPortForwarder(parameters, serverSocket)} (the listener, the app's own
 * socket), the forwarded channel's {@code start()} (0.28+ {@code LocalPortForwarder$ForwardedChannel}, before
 * {@code LocalPortForwarder$DirectTCPIPChannel}) and {@code ChannelOutputStream.write(byte[], int, int)}, where a
 * forwarded connection's data goes out.</li>
 * </ul>
 */
public final class SshjModule implements InstrumentationModule {
    private static final String STREAM = "Lnet/schmizz/sshj/connection/channel/ChannelInputStream;";
    private static final String PACKET = "Lnet/schmizz/sshj/common/SSHPacket;";
    private static final String SOCKET_CLIENT = "net.schmizz.sshj.SocketClient";
    private static final String SSH_CLIENT = "net.schmizz.sshj.SSHClient";
    private static final String CONNECTION = "net.schmizz.sshj.connection.ConnectionImpl";
    private static final String TRANSPORT = "net.schmizz.sshj.transport.TransportImpl";
    private static final String KEEP_ALIVE = "net.schmizz.keepalive.KeepAlive";
    private static final String RUNNER = "net.schmizz.keepalive.KeepAliveRunner";
    private static final String CHANNEL = "net.schmizz.sshj.connection.channel.AbstractChannel";
    private static final String SSH_EXCEPTION = "(Lnet/schmizz/sshj/common/SSHException;)V";
    private static final String SFTP_ENGINE = "net.schmizz.sshj.sftp.SFTPEngine";
    private static final String PROMISE = "net.schmizz.concurrent.Promise";
    private static final String PROMISE_TYPE = "Lnet/schmizz/concurrent/Promise;";

    // ---- the members SshjApi resolves: every one sshj is reached through ----
    static final LibraryMember CLIENT_SOCKET = LibraryMember.field(SOCKET_CLIENT, "socket");
    static final LibraryMember CLIENT_CONNECT_TIMEOUT = LibraryMember.field(SOCKET_CLIENT, "connectTimeout");
    static final LibraryMember GET_SOCKET = LibraryMember.method(SOCKET_CLIENT, "getSocket", "()Ljava/net/Socket;");
    static final LibraryMember GET_CONNECT_TIMEOUT = LibraryMember.method(SOCKET_CLIENT, "getConnectTimeout", "()I");
    static final LibraryMember SET_CONNECT_TIMEOUT = LibraryMember.method(SOCKET_CLIENT, "setConnectTimeout", "(I)V");
    static final LibraryMember TUNNELED = LibraryMember.field(SOCKET_CLIENT, "tunneled")
            .optional("0.40: connectVia, a client without a socket of its own");
    static final LibraryMember CLIENT_CONN = LibraryMember.field(SSH_CLIENT, "conn");
    static final LibraryMember CLIENT_TRANS = LibraryMember.field(SSH_CLIENT, "trans");
    static final LibraryMember CONN_KEEP_ALIVE = LibraryMember.field(CONNECTION, "keepAlive");
    static final LibraryMember CONN_CHANNELS = LibraryMember.field(CONNECTION, "channels");
    static final LibraryMember GET_KEEP_ALIVE = LibraryMember.method(CONNECTION, "getKeepAlive", "()Lnet/schmizz/keepalive/KeepAlive;");
    static final LibraryMember GET_TRANSPORT = LibraryMember.method(CONNECTION, "getTransport", "()Lnet/schmizz/sshj/transport/Transport;");
    static final LibraryMember SEND_GLOBAL_REQUEST = LibraryMember.method(CONNECTION, "sendGlobalRequest",
            "(Ljava/lang/String;Z[B)Lnet/schmizz/concurrent/Promise;");
    static final LibraryMember KEEP_ALIVE_CONN = LibraryMember.field(KEEP_ALIVE, "conn");
    static final LibraryMember GET_KEEP_ALIVE_INTERVAL = LibraryMember.method(KEEP_ALIVE, "getKeepAliveInterval", "()I");
    static final LibraryMember SET_KEEP_ALIVE_INTERVAL = LibraryMember.method(KEEP_ALIVE, "setKeepAliveInterval", "(I)V");
    static final LibraryMember KEEP_ALIVE_RUNNER = LibraryMember.type(RUNNER);
    static final LibraryMember GET_MAX_ALIVE_COUNT = LibraryMember.method(RUNNER, "getMaxAliveCount", "()I");
    static final LibraryMember SET_MAX_ALIVE_COUNT = LibraryMember.method(RUNNER, "setMaxAliveCount", "(I)V");
    static final LibraryMember RUNNER_QUEUE = LibraryMember.field(RUNNER, "queue");
    static final LibraryMember RUNNER_MAX_ALIVE_COUNT = LibraryMember.field(RUNNER, "maxAliveCount");
    static final LibraryMember KEEP_ALIVE_PROVIDER = LibraryMember.constant("net.schmizz.keepalive.KeepAliveProvider", "KEEP_ALIVE");
    static final LibraryMember PROVIDE = LibraryMember.method("net.schmizz.keepalive.KeepAliveProvider", "provide",
            "(Lnet/schmizz/sshj/connection/ConnectionImpl;)Lnet/schmizz/keepalive/KeepAlive;");
    static final LibraryMember TRANS_READER = LibraryMember.field(TRANSPORT, "reader");
    static final LibraryMember TRANS_SERVICE = LibraryMember.field(TRANSPORT, "service");
    static final LibraryMember TRANS_KEXER = LibraryMember.field(TRANSPORT, "kexer");
    static final LibraryMember DIE = LibraryMember.method(TRANSPORT, "die", "(Ljava/lang/Exception;)V");
    static final LibraryMember KEXER_NOTIFY_ERROR = LibraryMember.method("net.schmizz.sshj.transport.KeyExchanger",
            "notifyError", SSH_EXCEPTION);
    static final LibraryMember TRANSPORT_EXCEPTION = LibraryMember.constructor("net.schmizz.sshj.transport.TransportException",
            "(Ljava/lang/String;)V");
    static final LibraryMember CONNECTION_LOST = LibraryMember.constant("net.schmizz.sshj.common.DisconnectReason", "CONNECTION_LOST");
    static final LibraryMember CONNECTION_EXCEPTION = LibraryMember.constructor("net.schmizz.sshj.connection.ConnectionException",
            "(Lnet/schmizz/sshj/common/DisconnectReason;Ljava/lang/String;)V");
    static final LibraryMember PROMISE_LOCK = LibraryMember.field("net.schmizz.concurrent.Promise", "lock");
    static final LibraryMember IS_FULFILLED = LibraryMember.method("net.schmizz.concurrent.Promise", "isFulfilled", "()Z");
    static final LibraryMember CHANNEL_CONN = LibraryMember.field(CHANNEL, "conn");
    static final LibraryMember CLOSE_REQUESTED = LibraryMember.field(CHANNEL, "closeRequested");
    static final LibraryMember REMOTE_WINDOW = LibraryMember.field(CHANNEL, "rwin");
    static final LibraryMember IS_OPEN = LibraryMember.method(CHANNEL, "isOpen", "()Z");
    static final LibraryMember CLOSE = LibraryMember.method(CHANNEL, "close", "()V");
    static final LibraryMember GET_INPUT_STREAM = LibraryMember.method(CHANNEL, "getInputStream", "()Ljava/io/InputStream;");
    static final LibraryMember CHANNEL_NOTIFY_ERROR = LibraryMember.method(CHANNEL, "notifyError", SSH_EXCEPTION);
    static final LibraryMember INPUT_NOTIFY_ERROR = LibraryMember.method("net.schmizz.sshj.connection.channel.ChannelInputStream",
            "notifyError", SSH_EXCEPTION);
    static final LibraryMember EXPAND = LibraryMember.method("net.schmizz.sshj.connection.channel.Window", "expand", "(J)V");
    static final LibraryMember SIGNAL = LibraryMember.method("net.schmizz.sshj.connection.channel.direct.SessionChannel", "signal",
            "(Lnet/schmizz/sshj/connection/channel/direct/Signal;)V");
    static final LibraryMember ENGINE_GET_SUBSYSTEM = LibraryMember.method(SFTP_ENGINE, "getSubsystem",
            "()Lnet/schmizz/sshj/connection/channel/direct/Session$Subsystem;");
    static final LibraryMember PROMISE_DELIVER_ERROR = LibraryMember.method(PROMISE, "deliverError", "(Ljava/lang/Throwable;)V");
    static final LibraryMember SIGNAL_VALUE_OF = LibraryMember.method("net.schmizz.sshj.connection.channel.direct.Signal", "valueOf",
            "(Ljava/lang/String;)Lnet/schmizz/sshj/connection/channel/direct/Signal;");

    /** Sessions found at attach (issue 24): the reader thread holds its transport, the transport says where it goes. */
    static final LibraryMember READER_TRANS = LibraryMember.field("net.schmizz.sshj.transport.Reader", "trans");
    static final LibraryMember REMOTE_HOST = LibraryMember.method(TRANSPORT, "getRemoteHost", "()Ljava/lang/String;");
    static final LibraryMember REMOTE_PORT = LibraryMember.method(TRANSPORT, "getRemotePort", "()I");
    /** A channel found at attach is an exec when an app's thread waits for it as one: parked on what join() awaits. */
    static final LibraryMember CLOSE_EVENT = LibraryMember.field(CHANNEL, "closeEvent")
            .optional("issue 24: execs found at attach are told by a thread waiting in their join()");
    static final LibraryMember EVENT_PROMISE = LibraryMember.field("net.schmizz.concurrent.Event", "promise")
            .optional("issue 24: execs found at attach");
    static final LibraryMember PROMISE_COND = LibraryMember.field(PROMISE, "cond").optional("issue 24: execs found at attach");
    static final LibraryMember CHANNEL_ID = LibraryMember.field(CHANNEL, "id").optional("issue 24: the channels named at attach");
    /** ... or blocked reading its stdout or stderr: waiting on the stream's buffer (0.27 {@code Buffer}, 0.40 {@code CircularBuffer}). */
    static final LibraryMember INPUT_BUF = LibraryMember.field("net.schmizz.sshj.connection.channel.ChannelInputStream", "buf")
            .optional("issue 24: execs found at attach are told by a thread reading their output");
    static final LibraryMember GET_ERROR_STREAM = LibraryMember.method("net.schmizz.sshj.connection.channel.direct.SessionChannel",
            "getErrorStream", "()Ljava/io/InputStream;").optional("issue 24: execs found at attach");

    // ---- local port forwards (SshjForwards); Parameters and the channel class moved out of LocalPortForwarder in 0.28 ----
    private static final String DIRECT = "net.schmizz.sshj.connection.channel.direct.";
    private static final String PARAMS = DIRECT + "Parameters";
    private static final String PARAMS_0_27 = DIRECT + "LocalPortForwarder$Parameters";
    /** A forwarded connection's channel: a class of 0.28+ only ... */
    public static final String FORWARDED = DIRECT + "LocalPortForwarder$ForwardedChannel";
    /** ... and its name before 0.28 (a class of 0.27 only). */
    public static final String FORWARDED_0_27 = DIRECT + "LocalPortForwarder$DirectTCPIPChannel";
    static final LibraryMember FWD_REMOTE_HOST = LibraryMember.method(PARAMS, "getRemoteHost", "()Ljava/lang/String;")
            .optional("0.28+");
    static final LibraryMember FWD_REMOTE_PORT = LibraryMember.method(PARAMS, "getRemotePort", "()I").optional("0.28+");
    static final LibraryMember FWD_REMOTE_HOST_0_27 = LibraryMember.method(PARAMS_0_27, "getRemoteHost",
            "()Ljava/lang/String;").optional("before 0.28");
    static final LibraryMember FWD_REMOTE_PORT_0_27 = LibraryMember.method(PARAMS_0_27, "getRemotePort", "()I")
            .optional("before 0.28");
    static final LibraryMember FWD_SOCKET = LibraryMember.field(FORWARDED, "socket").optional("0.28+");
    static final LibraryMember FWD_SOCKET_0_27 = LibraryMember.field(FORWARDED_0_27, "socket").optional("before 0.28");
    static final LibraryMember FWD_PARAMETERS = LibraryMember.field(DIRECT + "DirectTCPIPChannel", "parameters")
            .optional("0.28+");
    static final LibraryMember FWD_PARAMETERS_0_27 = LibraryMember.field(FORWARDED_0_27, "parameters").optional("before 0.28");
    static final LibraryMember GET_OUTPUT_STREAM = LibraryMember.method(CHANNEL, "getOutputStream", "()Ljava/io/OutputStream;");

    private static final List<LibraryMember> MEMBERS = Arrays.asList(READER_TRANS, REMOTE_HOST, REMOTE_PORT, CLOSE_EVENT,
            EVENT_PROMISE, PROMISE_COND, CHANNEL_ID, INPUT_BUF, GET_ERROR_STREAM, CLIENT_SOCKET, CLIENT_CONNECT_TIMEOUT, GET_SOCKET,
            GET_CONNECT_TIMEOUT, SET_CONNECT_TIMEOUT, TUNNELED, CLIENT_CONN, CLIENT_TRANS, CONN_KEEP_ALIVE, CONN_CHANNELS,
            GET_KEEP_ALIVE, GET_TRANSPORT, SEND_GLOBAL_REQUEST, KEEP_ALIVE_CONN, GET_KEEP_ALIVE_INTERVAL,
            SET_KEEP_ALIVE_INTERVAL, KEEP_ALIVE_RUNNER, GET_MAX_ALIVE_COUNT, SET_MAX_ALIVE_COUNT, RUNNER_QUEUE,
            RUNNER_MAX_ALIVE_COUNT, KEEP_ALIVE_PROVIDER, PROVIDE, TRANS_READER, TRANS_SERVICE, TRANS_KEXER, DIE,
            KEXER_NOTIFY_ERROR, TRANSPORT_EXCEPTION, CONNECTION_LOST, CONNECTION_EXCEPTION, PROMISE_LOCK, IS_FULFILLED,
            CHANNEL_CONN, CLOSE_REQUESTED, REMOTE_WINDOW, IS_OPEN, CLOSE, GET_INPUT_STREAM, CHANNEL_NOTIFY_ERROR,
            INPUT_NOTIFY_ERROR, EXPAND, SIGNAL, SIGNAL_VALUE_OF, ENGINE_GET_SUBSYSTEM, PROMISE_DELIVER_ERROR,
            FWD_REMOTE_HOST, FWD_REMOTE_PORT, FWD_REMOTE_HOST_0_27, FWD_REMOTE_PORT_0_27, FWD_SOCKET, FWD_SOCKET_0_27,
            FWD_PARAMETERS, FWD_PARAMETERS_0_27, GET_OUTPUT_STREAM);

    @Override
    public String name() {
        return "sshj";
    }

    @Override
    public String library() {
        return "net.schmizz.sshj";
    }

    @Override
    public String packagePrefix() {
        return "net/schmizz/";
    }

    @Override
    public String[] relocationSignature() {
        return new String[]{"sshj/SSHClient", "sshj/connection/channel/direct/SessionChannel"};
    }

    @Override
    public Class<?> hookClass() {
        return SshjHooks.class;
    }

    @Override
    public List<InstrumentedType> types() {
        Class<?> h = SshjHooks.class;
        return Arrays.asList(
                InstrumentedType.named(SOCKET_CLIENT)
                        .hooks(Hook.on("connect", "(Ljava/lang/String;I)V", h)
                                        .enterKeepingState("connectStarting").exitOrThrow("connectEnded"),
                                Hook.on("connect", "(Ljava/lang/String;ILjava/net/InetAddress;I)V", h)
                                        .enterKeepingState("connectStarting").exitOrThrow("connectEnded"),
                                Hook.on("connect", "(Ljava/net/InetAddress;I)V", h)
                                        .enterKeepingState("connectStarting").exitOrThrow("connectEnded"),
                                Hook.on("connect", "(Ljava/net/InetAddress;ILjava/net/InetAddress;I)V", h)
                                        .enterKeepingState("connectStarting").exitOrThrow("connectEnded"),
                                Hook.on("connect", "(Ljava/lang/String;ILjava/net/Proxy;)V", h).optional()
                                        .enterKeepingState("connectStarting").exitOrThrow("connectEnded"),
                                Hook.on("connect", "(Ljava/net/InetAddress;ILjava/net/Proxy;)V", h).optional()
                                        .enterKeepingState("connectStarting").exitOrThrow("connectEnded"),
                                Hook.on("connectVia", "(Lnet/schmizz/sshj/connection/channel/Channel;Ljava/lang/String;I)V", h).optional()
                                        .enterKeepingState("connectViaStarting").exitOrThrow("connectViaEnded")),
                InstrumentedType.named(SSH_CLIENT)
                        .hooks(Hook.on("auth", "(Ljava/lang/String;Ljava/lang/Iterable;)V", h)
                                        .enterKeepingState("authStarting").exitOrThrow("authEnded"),
                                Hook.on("disconnect", "()V", h)
                                        .enterKeepingState("disconnecting").exitOrThrow("disconnected"),
                                Hook.on("newLocalPortForwarder", "(L" + PARAMS.replace('.', '/') + ";Ljava/net/ServerSocket;)L"
                                        + DIRECT.replace('.', '/') + "LocalPortForwarder;", h).optional()
                                        .exitWithValue("forwarderCreated"),
                                Hook.on("newLocalPortForwarder", "(L" + PARAMS_0_27.replace('.', '/')
                                        + ";Ljava/net/ServerSocket;)L" + DIRECT.replace('.', '/') + "LocalPortForwarder;", h)
                                        .optional().exitWithValue("forwarderCreated")),
                InstrumentedType.named(TRANSPORT)
                        .hooks(Hook.on("handle", "(Lnet/schmizz/sshj/common/Message;" + PACKET + ")V", h).thisOnly()
                                .enter("packetReceived")),
                InstrumentedType.named(RUNNER)
                        .hooks(Hook.on("checkMaxReached", "(Ljava/util/Queue;)V", h).enter("keepaliveChecking")
                                .exitOrThrow("keepaliveChecked")),
                InstrumentedType.named(CHANNEL)
                        .hooks(Hook.on("receiveInto", "(" + STREAM + PACKET + ")V", h).thisOnly().enter("output"),
                                Hook.on("finishOff", "()V", h).thisOnly().enter("channelEnded")),
                InstrumentedType.named(FORWARDED).hooks(Hook.on("start", "()V", h).thisOnly().exit("forwardStarted")),
                InstrumentedType.named(FORWARDED_0_27).hooks(Hook.on("start", "()V", h).thisOnly().exit("forwardStarted")),
                InstrumentedType.named("net.schmizz.sshj.connection.channel.ChannelOutputStream")
                        .hooks(Hook.on("write", "([BII)V", h).thisOnly().enter("channelDataOut")),
                InstrumentedType.named("net.schmizz.sshj.connection.channel.direct.SessionChannel")
                        .hooks(Hook.on("exec", "(Ljava/lang/String;)Lnet/schmizz/sshj/connection/channel/direct/Session$Command;", h)
                                        .exitWithValue("execStarted"),
                                Hook.on("getExitStatus", "()Ljava/lang/Integer;", h).exitReplacingValue("exitStatus")),
                // sftp.timeout: each SFTP request's promise, from request() to its delivery
                InstrumentedType.named(SFTP_ENGINE)
                        .hooks(Hook.on("request", "(Lnet/schmizz/sshj/sftp/Request;)" + PROMISE_TYPE, h).optional().thisOnly()
                                .exitWithValue("sftpRequested")),
                InstrumentedType.named(PROMISE)
                        .hooks(Hook.on("deliver", "(Ljava/lang/Object;)V", h).optional().thisOnly().enter("promiseDelivered"),
                                Hook.on("deliverError", "(Ljava/lang/Throwable;)V", h).optional().thisOnly()
                                        .enter("promiseDelivered")),
                // sftp.timeout: a request waiting to be sent, the SFTP channel's window spent
                InstrumentedType.named("net.schmizz.sshj.connection.channel.Window$Remote")
                        .hooks(Hook.on("awaitExpansion", "(J)J", h).optional().thisOnly()
                                .enterKeepingState("sftpWindowWaiting").exitOrThrow("sftpWindowWaited")));
    }

    @Override
    public List<LibraryMember> members() {
        return MEMBERS;
    }
}
