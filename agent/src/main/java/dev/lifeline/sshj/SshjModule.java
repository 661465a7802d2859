package dev.lifeline.sshj;

import dev.lifeline.instrument.Hook;
import dev.lifeline.instrument.InstrumentationModule;
import dev.lifeline.instrument.InstrumentedType;

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
 * <li>{@code KeepAliveRunner.checkMaxReached(Queue)}: throws when {@code maxAliveCount} keepalives are unanswered,
 * sshj's verdict that the peer is dead ({@code KeepAlive.run} then kills the transport).</li>
 * <li>{@code SessionChannel.exec(String)}: from its return the command runs; {@code getExitStatus()}: null after a
 * deadline; {@code AbstractChannel.receiveInto}: every data packet (the idle clock); {@code finishOff()}: every way a
 * channel ends (close reply, transport error).</li>
 * </ul>
 */
public final class SshjModule implements InstrumentationModule {
    private static final String STREAM = "Lnet/schmizz/sshj/connection/channel/ChannelInputStream;";
    private static final String PACKET = "Lnet/schmizz/sshj/common/SSHPacket;";

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
    public Class<?> hookClass() {
        return SshjHooks.class;
    }

    @Override
    public List<InstrumentedType> types() {
        Class<?> h = SshjHooks.class;
        return Arrays.asList(
                InstrumentedType.named("net.schmizz.sshj.SocketClient").fields("socket", "connectTimeout")
                        .method("getSocket", "()Ljava/net/Socket;").method("getConnectTimeout", "()I")
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
                InstrumentedType.named("net.schmizz.sshj.SSHClient").fields("conn", "trans")
                        .hooks(Hook.on("auth", "(Ljava/lang/String;Ljava/lang/Iterable;)V", h)
                                        .enterKeepingState("authStarting").exitOrThrow("authEnded"),
                                Hook.on("disconnect", "()V", h)
                                        .enterKeepingState("disconnecting").exitOrThrow("disconnected")),
                InstrumentedType.named("net.schmizz.keepalive.KeepAliveRunner")
                        .method("getMaxAliveCount", "()I").method("setMaxAliveCount", "(I)V")
                        .hooks(Hook.on("checkMaxReached", "(Ljava/util/Queue;)V", h).thisOnly().exitOrThrow("keepaliveChecked")),
                InstrumentedType.named("net.schmizz.sshj.connection.channel.AbstractChannel").fields("conn", "closeRequested")
                        .hooks(Hook.on("receiveInto", "(" + STREAM + PACKET + ")V", h).thisOnly().enter("output"),
                                Hook.on("finishOff", "()V", h).thisOnly().enter("channelEnded")),
                InstrumentedType.named("net.schmizz.sshj.connection.channel.direct.SessionChannel")
                        .hooks(Hook.on("exec", "(Ljava/lang/String;)Lnet/schmizz/sshj/connection/channel/direct/Session$Command;", h)
                                        .exitWithValue("execStarted"),
                                Hook.on("getExitStatus", "()Ljava/lang/Integer;", h).exitReplacingValue("exitStatus")));
    }
}
