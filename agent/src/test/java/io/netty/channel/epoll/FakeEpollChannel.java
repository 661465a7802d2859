package io.netty.channel.epoll;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.embedded.EmbeddedChannel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A channel without a java.nio channel, named like Netty's epoll ones, whose config records what was set. */
public final class FakeEpollChannel extends EmbeddedChannel {
    public final Map<String, Object> set = new ConcurrentHashMap<>();
    private ChannelConfig config; // no initializer: EmbeddedChannel's constructor already asks for it

    @Override
    public ChannelConfig config() {
        if (config == null) {
            config = new Config(this);
        }
        return config;
    }

    private final class Config extends DefaultChannelConfig {
        Config(Channel channel) {
            super(channel);
        }

        @Override
        public <T> boolean setOption(ChannelOption<T> option, T value) {
            if (option == ChannelOption.SO_KEEPALIVE || option == EpollChannelOption.TCP_KEEPIDLE
                    || option == EpollChannelOption.TCP_KEEPINTVL || option == EpollChannelOption.TCP_KEEPCNT) {
                set.put(option.name(), value);
                return true;
            }
            return super.setOption(option, value);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getOption(ChannelOption<T> option) {
            if (option == ChannelOption.SO_KEEPALIVE) {
                return (T) set.getOrDefault(option.name(), Boolean.FALSE);
            }
            return super.getOption(option);
        }
    }
}
