package dev.lifeline.sshj;

import dev.lifeline.enforce.Actions;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.enforce.Sockets;
import dev.lifeline.report.Faults;

import java.lang.ref.WeakReference;
import java.net.Socket;
import java.util.Map;

/**
 * The socket under an sshj client, and what shutting it takes: the client's own socket, or for a connection tunnelled
 * in another's channel ({@code connectVia}) that carrying channel.
 */
final class SshjSockets {
    private SshjSockets() {
    }

    /** The client's own socket, from its field: set before the TCP connect starts, so a watchdog can abort that too. */
    static Socket socketOf(Object client) {
        try {
            return SshjApi.of(client).socket(client);
        } catch (Throwable t) {
            return null;
        }
    }

    /**
     * Shuts the client's socket, wakes writers waiting for window space, then fails a key exchange wait: a rekey the
     * server began just before the peer vanished makes every transport write (the disconnect packet included, under
     * the transport's close lock) wait for the exchange to finish, for sshj's 30 s timeout, and the reader's death
     * cannot say so while that lock is held.
     */
    static void shut(Object client) {
        Sockets.closeQuietly(socketOf(client));
        SshjApi api = SshjApi.of(client);
        try {
            Object carrier = carrierOf(SshjSessions.clientOfConnection(api.connection(client)));
            if (carrier != null) {
                closeCarrier(carrier);
            }
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
        wakeWindowWaits(api, client);
        try {
            Object trans = api.transport(client);
            Object kexer = trans == null ? null : api.kexer(trans);
            if (kexer != null) {
                api.failKeyExchange(kexer, "socket shut by Lifeline");
            }
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /**
     * A writer whose channel's send window is used up waits in {@code Window.Remote.awaitExpansion} (30 s) holding
     * the channel's output stream, and {@code disconnect()} waits for that stream to hand it the error. With the socket
     * shut, an expanded window only lets each writer reach the socket, which fails it at once.
     */
    private static void wakeWindowWaits(SshjApi api, Object client) {
        try {
            Object conn = api.connection(client);
            Object channels = conn == null ? null : api.channels(conn);
            if (!(channels instanceof Map)) {
                return;
            }
            for (Object channel : ((Map<?, ?>) channels).values().toArray()) {
                api.openWindow(channel);
            }
        } catch (Throwable t) {
            Faults.suppressed(t);
        }
    }

    /** {@code connectVia}: the channel of another connection that carries this one; null for a socket of its own. */
    static Object carrierOf(SshjSessions.Client c) {
        WeakReference<Object> ref = c == null ? null : c.carrier;
        return ref == null ? null : ref.get();
    }

    /**
     * A tunnelled connection's "socket close". First the channel's input fails locally (what the tunnelled transport's
     * reader or a banner read waits on: they wake at once, whatever the jump host does); then the channel is closed (a
     * {@code CHANNEL_CLOSE}, so a live jump host frees it; on a dead one sshj waits for the reply up to its 30 s
     * connection timeout); 200 ms later the whole channel fails locally ({@code notifyError}: its output refuses too).
     * Each can wait on sshj's locks (the input buffer's monitor is held while a window adjust is written on the carrying
     * connection; the channel's output stream), so all run on {@link Actions}, never on the deadline thread, the input
     * first: a {@code die()} stuck on the same dead path may hold the pool's other thread.
     */
    static void closeCarrier(final Object channel) {
        final SshjApi api = SshjApi.of(channel);
        Actions.run("sshj.carrier.eof", new Runnable() {
            @Override
            public void run() {
                try {
                    if (carried(api, channel)) {
                        api.failInput(channel, api.connectionLost("channel closed by Lifeline"));
                    }
                } catch (Throwable t) {
                    Faults.suppressed(t);
                }
            }
        });
        Actions.run("sshj.carrier.close", new Runnable() {
            @Override
            public void run() {
                try {
                    api.close(channel);
                } catch (Exception e) {
                    // the carrying connection is failing too: the local error below still ends the channel
                }
            }
        });
        DeadlineScheduler.schedule("sshj.carrier.error", 200, new Runnable() {
            @Override
            public void run() {
                Actions.run("sshj.carrier.error", new Runnable() {
                    @Override
                    public void run() {
                        try {
                            if (carried(api, channel)) {
                                api.fail(channel, api.connectionLost("channel closed by Lifeline"));
                            }
                        } catch (Throwable t) {
                            Faults.suppressed(t);
                        }
                    }
                });
            }
        });
    }

    /** The channel still has its connection's transport (what sshj's own error for it is made in). */
    private static boolean carried(SshjApi api, Object channel) throws Exception {
        Object conn = api.connectionOfChannel(channel);
        return conn != null && api.transportOf(conn) != null;
    }
}
