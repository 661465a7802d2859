package org.apache.sshd.netty;

import io.netty.channel.ChannelHandlerContext;

/** Test stand-in for sshd-netty's NettyIoSession: only the field SshdSockets reads. */
public class NettyIoSession {
    protected volatile ChannelHandlerContext context;

    public NettyIoSession(ChannelHandlerContext context) {
        this.context = context;
    }
}
