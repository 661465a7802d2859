package dev.lifeline.enforce;

/**
 * What a deadline needs from one library's exec channel. Implementations use reflection: the library may live in a
 * class loader the agent cannot see.
 */
public interface ChannelControl {
    /** Sends the SSH {@code signal} channel request (RFC 4254 6.9), e.g. {@code TERM}. May block on the network. */
    void signal(String name) throws Exception;

    /**
     * False where the library sends no signals (Ganymed, Trilead before Jenkins' fork): the deadline's line then says
     * the channel is closed after the grace, not that TERM was sent.
     */
    default boolean sendsSignals() {
        return true;
    }

    /** Closes the channel the way the library does, so the app sees it closed and its streams at EOF. May block. */
    void close() throws Exception;

    boolean isClosed();

    /**
     * True from the moment either side started closing. After the library has sent its CHANNEL_CLOSE, any further
     * packet for the channel may reach a server that has already freed the number, and OpenSSH answers that by
     * disconnecting the whole session ("packet referred to nonexistent channel").
     */
    boolean isClosing();

    /** The last resort when {@link #close()} is stuck: shut the session's socket. Must not block. */
    void forceCloseSession();
}
