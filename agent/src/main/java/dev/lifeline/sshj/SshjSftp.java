package dev.lifeline.sshj;

import dev.lifeline.config.Policy;
import dev.lifeline.enforce.SftpDeadline;
import dev.lifeline.instrument.PerLoader;
import dev.lifeline.instrument.Reflection;
import dev.lifeline.report.Faults;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * {@code sftp.timeout} for sshj's {@code SFTPClient}. Every request goes out through {@code SFTPEngine.request}, which
 * returns the promise of its response; sshj's {@code PacketReader} thread delivers it, and the caller (or a read-ahead
 * stream) waits in {@code retrieve}. So the deadline is per promise: armed when {@code request} returns it, ended by
 * {@code Promise.deliver}/{@code deliverError}. On expiry the promise is failed with the deadline's exception (sshj
 * turns it into its {@code SFTPException}, an {@code IOException}), which wakes the waiter at once, and the SFTP
 * channel is closed. {@code PacketReader} reads a whole packet before it delivers it, so a response whose body stops
 * arriving is never delivered: the deadline covers the whole response, the streams' reads and read-ahead included.
 * A request that waits to be sent, the channel's window spent, is bounded too ({@link #windowWaiting}).
 */
final class SshjSftp {
    /** The SFTP members, per copy of sshj. */
    private static final PerLoader<Members> MEMBERS = new PerLoader<Members>() {
        @Override
        protected Members create(ClassLoader loader) throws Exception {
            return new Members(loader);
        }
    };

    /** SFTP channels' remote windows → their channel, while the app holds the channel (weak both ways). */
    private static final Map<Object, WeakReference<Object>> WINDOWS =
            Collections.synchronizedMap(new WeakHashMap<Object, WeakReference<Object>>());

    private SshjSftp() {
    }

    private static final class Members {
        final Method getSubsystem;
        final Method deliverError;
        final Method isFulfilled;

        Members(ClassLoader loader) throws Exception {
            getSubsystem = SshjModule.ENGINE_GET_SUBSYSTEM.method(loader);
            deliverError = SshjModule.PROMISE_DELIVER_ERROR.method(loader);
            isFulfilled = SshjModule.IS_FULFILLED.method(loader);
        }
    }

    /** {@code SFTPEngine.request(Request)} returned the promise of its response. */
    static void requested(Object promise, Object engine) throws Exception {
        Faults.inject("SshjSftp.requested");
        if (promise == null || !SftpDeadline.configured()) {
            return;
        }
        Members m = MEMBERS.of(engine);
        Object channel = Reflection.call(m.getSubsystem, engine);
        if (channel == null) {
            return;
        }
        Policy p = policy(channel);
        if (!SftpDeadline.applies(p)) {
            return;
        }
        Object window = SshjApi.of(channel).remoteWindow.get(channel);
        if (window != null && !WINDOWS.containsKey(window)) {
            WINDOWS.put(window, new WeakReference<Object>(channel));
        }
        SftpDeadline.started(promise, channel, new Control(promise, channel, m), p, "sshj", "response");
        // the reader thread may have delivered the response before request() returned: then the deliver hook found
        // nothing to end, and the deadline just armed would outlive its request
        if (Boolean.TRUE.equals(Reflection.call(m.isFulfilled, promise))) {
            SftpDeadline.answered(promise);
        }
    }

    private static Policy policy(Object channel) throws Exception {
        SshjSessions.Client c = SshjSessions.clientOfConnection(SshjApi.of(channel).connectionOfChannel(channel));
        return c == null ? null : c.policy();
    }

    /**
     * {@code Window$Remote.awaitExpansion} entered, on any channel's window: an SFTP channel's request waits to be
     * sent. With more requests in flight than the window holds (a {@code RemoteFileOutputStream} with many unconfirmed
     * writes) that wait comes before any wait for a response, and sshj ends it only after its own timeout. Only an
     * interrupt ends it sooner (the channel's close does not), so the deadline interrupts the waiter before it closes
     * the channel.
     *
     * @return the deadline's handle, or null
     */
    static Object windowWaiting(Object window) throws Exception {
        if (WINDOWS.isEmpty() || !SftpDeadline.configured()) {
            return null;
        }
        WeakReference<Object> ref = WINDOWS.get(window);
        Object channel = ref == null ? null : ref.get();
        if (channel == null) {
            return null;
        }
        Policy p = policy(channel);
        if (!SftpDeadline.applies(p)) {
            return null;
        }
        return SftpDeadline.started(null, channel, new Control(null, channel, null), p, "sshj", "write");
    }

    static IOException windowAnswered(Object handle) {
        return SftpDeadline.answered(handle);
    }

    /** {@code Promise.deliver}/{@code deliverError} entered, on any of sshj's promises: one map lookup. */
    static void delivered(Object promise) {
        SftpDeadline.answered(promise);
    }

    private static final class Control implements SftpDeadline.SftpControl {
        private final Object promise;
        private final Object channel;
        private final Members members;

        Control(Object promise, Object channel, Members members) {
            this.promise = promise;
            this.channel = channel;
            this.members = members;
        }

        /** Wakes the waiter at once: sshj's close may wait for the server's reply (sshj's timeout). */
        @Override
        public void failRequest(IOException why) throws Exception {
            if (promise != null) {
                Reflection.call(members.deliverError, promise, why);
            }
        }

        /** A wait for the window (no promise) ends on an interrupt only. */
        @Override
        public boolean interruptFirst() {
            return promise == null;
        }

        /**
         * Best effort: the waiters are already woken by their promises. sshj's close waits for the server's reply,
         * which the server may send only once its sftp-server ends; an app that disconnects meanwhile ends the wait
         * with "Disconnected", which is no failure of Lifeline's.
         */
        @Override
        public void closeChannel() {
            try {
                SshjApi.of(channel).close(channel);
            } catch (Exception overtaken) {
                // the session ended first
            }
        }
    }
}
