package dev.lifeline.sshd;

import dev.lifeline.instrument.LibraryMember;
import dev.lifeline.instrument.Reflection;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.NetworkChannel;
import java.util.Collections;
import java.util.Set;

/**
 * The TCP socket under a MINA {@code IoSession}, for each of MINA's transports, found by reflection only: the agent
 * links against none of them, and each may live in a loader the agent cannot see.
 *
 * <ul>
 * <li>NIO2 (the default): {@code Nio2Session.getSocket()}, an {@code AsynchronousSocketChannel}.</li>
 * <li>sshd-mina: {@code MinaSession.getSession()}, a mina-core {@code NioSocketSession}; its {@code channel} field
 * (declared by {@code NioSession}) is the {@code java.nio} {@code SocketChannel}.</li>
 * <li>sshd-netty: {@code NettyIoSession.context}, a Netty {@code ChannelHandlerContext}; its {@code channel()} is a
 * {@code NioSocketChannel} whose {@code javaChannel()} is the {@code SocketChannel}. A Netty channel without a
 * {@code java.nio} channel (epoll) is tuned through its {@code ChannelConfig}: {@code ChannelOption.SO_KEEPALIVE}
 * and {@code EpollChannelOption.TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT}.</li>
 * </ul>
 *
 * Every lookup returns {@code null} instead of throwing: the caller then logs one line and leaves the socket alone.
 */
final class SshdSockets {
    private SshdSockets() {
    }

    /** The session's socket as a channel whose options can be read and set, or {@code null}. */
    static NetworkChannel channelOf(Object ioSession) {
        if (ioSession == null) {
            return null;
        }
        try {
            NetworkChannel nio2 = nio2(ioSession);
            if (nio2 != null) {
                return nio2;
            }
            if (isA(ioSession.getClass(), "org.apache.sshd.mina.MinaSession")) {
                return mina(ioSession);
            }
            if (isA(ioSession.getClass(), "org.apache.sshd.netty.NettyIoSession")) {
                return netty(ioSession);
            }
            return null;
        } catch (Throwable t) {
            return null;
        }
    }

    /** {@code Nio2Session.getSocket()} (public). */
    private static NetworkChannel nio2(Object ioSession) {
        try {
            Object socket = SshdApi.of(ioSession).nio2Socket(ioSession);
            return socket instanceof NetworkChannel ? (NetworkChannel) socket : null;
        } catch (Throwable t) {
            return null;
        }
    }

    /** sshd-mina: {@code getSession()} (public) → mina-core {@code NioSession.channel} (protected final). */
    private static NetworkChannel mina(Object minaSession) throws Exception {
        Object session = SshdApi.transportCall(SshdModule.MINA_GET_SESSION, minaSession);
        if (session == null) {
            return null;
        }
        Object channel = SshdApi.transportField(SshdModule.MINA_CHANNEL, session);
        return channel instanceof NetworkChannel ? (NetworkChannel) channel : null;
    }

    /** sshd-netty: {@code context} (protected volatile) → {@code channel()} → {@code javaChannel()} or its config. */
    private static NetworkChannel netty(Object nettySession) throws Exception {
        Object context = SshdApi.transportField(SshdModule.NETTY_CONTEXT, nettySession);
        if (context == null) {
            return null;
        }
        Object channel = SshdApi.transportCall(SshdModule.NETTY_CHANNEL, context);
        if (channel == null) {
            return null;
        }
        Method javaChannel = SshdModule.NETTY_JAVA_CHANNEL.declaredMethodOf(channel.getClass());
        if (javaChannel != null) {
            try {
                Object ch = javaChannel.invoke(channel);
                if (ch instanceof NetworkChannel) {
                    return (NetworkChannel) ch;
                }
            } catch (Throwable inaccessible) {
                // e.g. Netty in a named module that does not open its packages: its config still works
            }
        }
        return NettyConfigChannel.of(channel);
    }

    private static boolean isA(Class<?> c, String className) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            if (k.getName().equals(className)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A Netty channel's socket options as a {@link NetworkChannel}, so {@code SocketTuning} treats every transport
     * alike: {@code SO_KEEPALIVE} maps to {@code ChannelOption.SO_KEEPALIVE}; the per-socket keepalive options map to
     * {@code EpollChannelOption} on an epoll channel and to {@code NioChannelOption.of(option)} on an NIO channel.
     * Options it cannot map are refused with {@link UnsupportedOperationException}, as a channel does.
     */
    static final class NettyConfigChannel implements NetworkChannel {
        private final Object channel;
        private final Object config;
        private final Method setOption;
        private final Method getOption;
        private final ClassLoader loader;
        private final boolean epoll;

        private NettyConfigChannel(Object channel, Object config, Method setOption, Method getOption, ClassLoader loader) {
            this.channel = channel;
            this.config = config;
            this.setOption = setOption;
            this.getOption = getOption;
            this.loader = loader;
            this.epoll = channel.getClass().getName().startsWith("io.netty.channel.epoll.");
        }

        static NettyConfigChannel of(Object channel) {
            try {
                ClassLoader loader = channel.getClass().getClassLoader();
                Object config = SshdApi.transportCall(SshdModule.NETTY_CONFIG, channel);
                if (config == null) {
                    return null;
                }
                return new NettyConfigChannel(channel, config, SshdApi.transportMethod(SshdModule.NETTY_SET_OPTION, loader),
                        SshdApi.transportMethod(SshdModule.NETTY_GET_OPTION, loader), loader);
            } catch (Throwable t) {
                return null;
            }
        }

        private Object nettyOption(SocketOption<?> option) {
            String name = option.name();
            try {
                if ("SO_KEEPALIVE".equals(name)) {
                    return SshdApi.transportConstant(SshdModule.NETTY_SO_KEEPALIVE, loader);
                }
                if (epoll) {
                    LibraryMember epollOption = "TCP_KEEPIDLE".equals(name) ? SshdModule.EPOLL_KEEPIDLE
                            : "TCP_KEEPINTERVAL".equals(name) ? SshdModule.EPOLL_KEEPINTVL
                            : "TCP_KEEPCOUNT".equals(name) ? SshdModule.EPOLL_KEEPCNT : null;
                    return epollOption == null ? null : SshdApi.transportConstant(epollOption, loader);
                }
                return Reflection.call(SshdApi.transportMethod(SshdModule.NIO_OPTION_OF, loader), null, option);
            } catch (Throwable t) {
                return null;
            }
        }

        @Override
        public <T> NetworkChannel setOption(SocketOption<T> name, T value) throws IOException {
            Object option = nettyOption(name);
            if (option == null) {
                throw new UnsupportedOperationException(name.name() + " on " + channel.getClass().getName());
            }
            Object done;
            try {
                done = setOption.invoke(config, option, value);
            } catch (Exception e) {
                throw new IOException(name.name() + " on " + channel.getClass().getName(), e);
            }
            if (!Boolean.TRUE.equals(done)) {
                throw new UnsupportedOperationException(name.name() + " on " + channel.getClass().getName());
            }
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getOption(SocketOption<T> name) throws IOException {
            Object option = nettyOption(name);
            if (option == null) {
                throw new UnsupportedOperationException(name.name() + " on " + channel.getClass().getName());
            }
            try {
                return (T) getOption.invoke(config, option);
            } catch (Exception e) {
                throw new IOException(name.name() + " on " + channel.getClass().getName(), e);
            }
        }

        @Override
        public Set<SocketOption<?>> supportedOptions() {
            return Collections.emptySet();
        }

        @Override
        public NetworkChannel bind(SocketAddress local) {
            throw new UnsupportedOperationException("bind");
        }

        @Override
        public SocketAddress getLocalAddress() {
            return null;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
            // never: this is a view of the app's channel
        }
    }
}
