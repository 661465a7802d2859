package org.apache.sshd.mina;

import java.nio.channels.Channel;

/** Test stand-in for sshd-mina's MinaSession: what SshdSockets reads of it (getSession(), mina-core's channel field). */
public class MinaSession {
    private final Object session;

    public MinaSession(Channel channel) {
        this.session = channel == null ? null : new NioSocketSession(channel);
    }

    public Object getSession() {
        return session;
    }

    /** As mina-core's NioSession/NioSocketSession: a protected field in a non-public class. */
    abstract static class NioSession {
        protected final Channel channel;

        NioSession(Channel channel) {
            this.channel = channel;
        }
    }

    static final class NioSocketSession extends NioSession {
        NioSocketSession(Channel channel) {
            super(channel);
        }
    }
}
