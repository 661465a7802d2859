package io.netty.channel.epoll;

import io.netty.channel.ChannelOption;

/** Test stand-in for netty-transport-classes-epoll's options (not in the build's repository): the three names used. */
public final class EpollChannelOption {
    public static final ChannelOption<Integer> TCP_KEEPIDLE = ChannelOption.valueOf(EpollChannelOption.class, "TCP_KEEPIDLE");
    public static final ChannelOption<Integer> TCP_KEEPINTVL = ChannelOption.valueOf(EpollChannelOption.class, "TCP_KEEPINTVL");
    public static final ChannelOption<Integer> TCP_KEEPCNT = ChannelOption.valueOf(EpollChannelOption.class, "TCP_KEEPCNT");

    private EpollChannelOption() {
    }
}
