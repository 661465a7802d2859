package dev.lifeline.jsch;

import dev.lifeline.config.Policy;
import dev.lifeline.enforce.SftpDeadline;
import dev.lifeline.instrument.PerLoader;
import dev.lifeline.report.Faults;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * {@code sftp.timeout} for JSch's {@code ChannelSftp}. JSch has no reader thread for SFTP: the app's own thread reads
 * every response from the channel's pipe ({@code io_in}), its header in {@code header(Buffer, Header)} and its body
 * in several places ({@code fill}, {@code get}'s download loop, the stream {@code get} returns, {@code ls}), with the
 * app's code in between (the download's {@code OutputStream}, the {@code ls} selector, the app's own pace of reading
 * the stream). So the deadline bounds each read of that pipe that has to wait: a response whose header came and whose
 * body stopped arriving fails like one that never came, and the app's own time between reads counts for nothing.
 * {@code header()} registers the pipe (every request's response starts there, the channel's start included); the
 * reads come through call-site hooks. Closing the channel ({@code disconnect()}) ends a waiting read (the pipe reports
 * its end), which the hook turns into the deadline's exception; JSch's public methods wrap it in {@code SftpException}
 * and the streams throw it as it is. Without it JSch would read that end as the end of the data in places (the
 * stream's rest of a packet, {@code ls}) and return a truncated result. A write that waits for the channel's window
 * ({@link #windowWaiting}) is bounded the same way.
 */
final class JschSftp {
    /** {@code ChannelSftp.io_in}, per copy of JSch. */
    private static final PerLoader<Field> IO_IN = new PerLoader<Field>() {
        @Override
        protected Field create(ClassLoader loader) throws Exception {
            return JschModule.SFTP_IN.field(loader);
        }
    };
    /** {@code Channel.rwsize}, per copy of JSch: what the peer's window still takes. */
    private static final PerLoader<Field> RWSIZE = new PerLoader<Field>() {
        @Override
        protected Field create(ClassLoader loader) throws Exception {
            return JschModule.CHANNEL_RWSIZE.field(loader);
        }
    };
    /** The SFTP channels whose responses were expected, while the app holds them (weak keys). */
    private static final Map<Object, Boolean> CHANNELS = Collections.synchronizedMap(new WeakHashMap<Object, Boolean>());
    /** SFTP channels' pipes → their channel, while the app holds the channel (weak both ways). */
    private static final Map<Object, WeakReference<Object>> PIPES =
            Collections.synchronizedMap(new WeakHashMap<Object, WeakReference<Object>>());

    private JschSftp() {
    }

    /** {@code header()} entered: the channel's pipe will carry responses; registered once per channel. */
    static void responseExpected(Object channel) throws Exception {
        Faults.inject("JschSftp.waiting");
        if (!SftpDeadline.configured()) {
            return;
        }
        Object pipe = IO_IN.of(channel).get(channel);
        if (pipe != null && !PIPES.containsKey(pipe)) {
            PIPES.put(pipe, new WeakReference<Object>(channel));
            CHANNELS.put(channel, Boolean.TRUE);
        }
    }

    /**
     * {@code Session.write(Packet, Channel, int)} entered, for any channel's data. An SFTP write that the channel's
     * window does not take waits there (JSch polls every 100 ms) until the server opens the window, which a server that
     * stopped reading never does: with more requests in flight than the window holds ({@code setBulkRequests}), or the
     * stream {@code put(String)} returns, whose writes read no acknowledgement that is not already there, that wait
     * comes before any wait for a response. Only the writer takes from the window, so a write that fits now is sent at
     * once. The deadline's close of the channel ends the wait ("channel is broken").
     *
     * @return the deadline's handle when the write will wait, else null
     */
    static Object windowWaiting(Object session, Object channel, int length) throws Exception {
        if (!SftpDeadline.configured() || channel == null || !CHANNELS.containsKey(channel)) {
            return null;
        }
        if (RWSIZE.of(channel).getLong(channel) >= length) {
            return null;
        }
        Policy p = JschChannels.policy(session);
        if (!SftpDeadline.applies(p)) {
            return null;
        }
        return SftpDeadline.started(null, channel, new Control(channel), p, "jsch", "write");
    }

    /**
     * A read or skip of a stream by ChannelSftp's code is about to run.
     *
     * @return the deadline's handle when the stream is an SFTP channel's pipe with nothing to read yet, else null
     */
    static Object reading(Object stream) throws Exception {
        if (PIPES.isEmpty() || !SftpDeadline.configured()) {
            return null;
        }
        WeakReference<Object> ref = PIPES.get(stream);
        Object channel = ref == null ? null : ref.get();
        if (channel == null || ((InputStream) stream).available() > 0) {
            return null; // not a response, or bytes are there: the read returns at once
        }
        Object session = JschApi.of(channel).sessionField(channel);
        if (session == null) {
            return null;
        }
        Policy p = JschChannels.policy(session);
        if (!SftpDeadline.applies(p)) {
            return null;
        }
        return SftpDeadline.started(null, channel, new Control(channel), p, "jsch", "response");
    }

    /** @return the exception the call fails with when its deadline fired, else null */
    static IOException answered(Object handle) {
        return SftpDeadline.answered(handle);
    }

    /** Closing the channel is all it takes: the waiting read sees the pipe closed. */
    private static final class Control implements SftpDeadline.SftpControl {
        private final Object channel;

        Control(Object channel) {
            this.channel = channel;
        }

        @Override
        public void failRequest(IOException why) {
            // the channel's close wakes it
        }

        @Override
        public void closeChannel() throws Exception {
            JschApi.of(channel).disconnect(channel);
        }
    }
}
