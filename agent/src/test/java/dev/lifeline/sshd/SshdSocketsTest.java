package dev.lifeline.sshd;

import dev.lifeline.enforce.SocketTuning;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.FakeEpollChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.apache.sshd.mina.MinaSession;
import org.apache.sshd.netty.NettyIoSession;
import org.junit.jupiter.api.Test;

import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The socket under each MINA transport's session, found by reflection (stand-ins for sshd-mina/sshd-netty's session
 * classes, real Netty NIO channels); the forked {@code SshdTransportTest} proves the real transports end to end.
 */
class SshdSocketsTest {
    @Test
    void minaTransportsSocketChannelIsTuned() throws Exception {
        try (SocketChannel socket = SocketChannel.open()) {
            NetworkChannel found = SshdSockets.channelOf(new MinaSession(socket));
            assertThat(found).isSameAs(socket);
            assertThat(SocketTuning.enableKeepalive(found, 42_000, 7_000, 4)).isEqualTo("on,idle=42s,interval=7s,count=4");
            assertThat(socket.getOption(StandardSocketOptions.SO_KEEPALIVE)).isTrue();
        }
    }

    @Test
    void nettyNioChannelsJavaChannelIsTuned() throws Exception {
        NioSocketChannel channel = new NioSocketChannel();
        try {
            NetworkChannel found = SshdSockets.channelOf(new NettyIoSession(contextOf(channel)));
            assertThat(found).isInstanceOf(SocketChannel.class);
            assertThat(SocketTuning.enableKeepalive(found, 42_000, 7_000, 4)).isEqualTo("on,idle=42s,interval=7s,count=4");
            assertThat(channel.config().isKeepAlive()).isTrue();
        } finally {
            channel.unsafe().closeForcibly();
        }
    }

    @Test
    void nettyNioChannelThroughItsConfig() throws Exception {
        NioSocketChannel channel = new NioSocketChannel();
        try {
            NetworkChannel config = SshdSockets.NettyConfigChannel.of(channel);
            assertThat(SocketTuning.keepaliveOn(config)).isFalse();
            assertThat(SocketTuning.enableKeepalive(config, 42_000, 7_000, 4)).isEqualTo("on,idle=42s,interval=7s,count=4");
            assertThat(SocketTuning.keepaliveOn(config)).isTrue();
            assertThat(channel.config().isKeepAlive()).isTrue();
        } finally {
            channel.unsafe().closeForcibly();
        }
    }

    @Test
    void nettyEpollChannelGetsEpollOptions() {
        FakeEpollChannel channel = new FakeEpollChannel();
        NetworkChannel found = SshdSockets.channelOf(new NettyIoSession(contextOf(channel)));
        assertThat(found).isInstanceOf(SshdSockets.NettyConfigChannel.class);
        assertThat(SocketTuning.enableKeepalive(found, 42_000, 7_000, 4)).isEqualTo("on,idle=42s,interval=7s,count=4");
        assertThat(channel.set).containsEntry(ChannelOption.SO_KEEPALIVE.name(), true)
                .containsEntry(EpollChannelOption.TCP_KEEPIDLE.name(), 42)
                .containsEntry(EpollChannelOption.TCP_KEEPINTVL.name(), 7)
                .containsEntry(EpollChannelOption.TCP_KEEPCNT.name(), 4);
        assertThat(SocketTuning.keepaliveOn(found)).isTrue();
    }

    @Test
    void unreachableSocketsAreNullNeverAThrow() {
        assertThat(SshdSockets.channelOf(null)).isNull();
        assertThat(SshdSockets.channelOf(new Object())).isNull();
        assertThat(SshdSockets.channelOf(new MinaSession(null))).isNull();
        assertThat(SshdSockets.channelOf(new NettyIoSession(null))).isNull();
    }

    private static ChannelHandlerContext contextOf(io.netty.channel.Channel channel) {
        ChannelHandlerAdapter handler = new ChannelHandlerAdapter() {
        };
        channel.pipeline().addLast(handler);
        return channel.pipeline().context(handler);
    }
}
