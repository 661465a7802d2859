package dev.lifeline.jsch;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When the peer of a session through a socketless proxy was last heard from, by JSch's packet count. */
class ProxyPacketClockTest {
    private static final long S = 1_000_000_000L;

    @Test
    void noPacketKeepsTheStartAsTheLastHeard() {
        JschProxyKeepalive.PacketClock clock = new JschProxyKeepalive.PacketClock(7, 10 * S);
        assertThat(clock.observe(7, 0, 13 * S)).isEqualTo(10 * S);
        assertThat(clock.observe(7, 9 * S, 14 * S)).as("a stamp older than the start is no news").isEqualTo(10 * S);
    }

    @Test
    void aMovedCountTakesTheReadHooksStamp() {
        JschProxyKeepalive.PacketClock clock = new JschProxyKeepalive.PacketClock(7, 10 * S);
        assertThat(clock.observe(9, 11 * S, 13 * S)).isEqualTo(11 * S);
        assertThat(clock.observe(9, 11 * S, 15 * S)).isEqualTo(11 * S);
    }

    @Test
    void aMovedCountWithoutAStampIsHeardWhenSeenNeverEarlier() {
        JschProxyKeepalive.PacketClock clock = new JschProxyKeepalive.PacketClock(7, 10 * S);
        assertThat(clock.observe(8, 0, 12 * S)).isEqualTo(12 * S);
        assertThat(clock.observe(8, 0, 16 * S)).isEqualTo(12 * S);
    }

    @Test
    void aCountThatWrappedBackToTheSameValueStillCountsThroughItsStamp() {
        JschProxyKeepalive.PacketClock clock = new JschProxyKeepalive.PacketClock(7, 10 * S);
        assertThat(clock.observe(7, 12 * S, 13 * S)).isEqualTo(12 * S);
    }
}
