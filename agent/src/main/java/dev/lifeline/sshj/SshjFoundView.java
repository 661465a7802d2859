package dev.lifeline.sshj;

import dev.lifeline.sessions.LibraryView;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** An sshj connection found at attach, as {@code sessions} reads it: registered by its transport ({@link SshjFound}). */
final class SshjFoundView extends LibraryView {
    static final SshjFoundView INSTANCE = new SshjFoundView();

    private SshjFoundView() {
    }

    @Override
    public String packagePrefix() {
        return "net.schmizz.sshj.";
    }

    /** The reader thread alive (read from fields: no lock sshj may hold while writing to a dead peer). */
    @Override
    public boolean isOpen(Object trans) throws Exception {
        Object reader = SshjApi.of(trans).reader(trans);
        boolean open = !(reader instanceof Thread) || ((Thread) reader).isAlive();
        if (!open) {
            SshjPacketClock.forget(trans);
        }
        return open;
    }

    @Override
    public long lastPacketNanos(Object trans, long fromHook) throws Exception {
        return SshjPacketClock.lastNanos(trans, fromHook);
    }

    @Override
    public String keepalive(Object trans) throws Exception {
        SshjSessions.Client owner = SshjSessions.clientOfConnection(SshjApi.of(trans).service(trans));
        dev.lifeline.enforce.ProbeKeepalive own = owner == null ? null : owner.keepalive;
        if (own != null && !own.stopped()) {
            return "every " + own.intervalMillis + "ms x" + own.countMax + ", probes outstanding " + own.outstanding()
                    + " (Lifeline's, since the attach)";
        }
        return "n/a (found at attach)";
    }

    @Override
    public List<Object> channels(Object trans) throws Exception {
        SshjApi api = SshjApi.of(trans);
        Object conn = api.service(trans);
        Object channels = conn == null ? null : api.channels(conn);
        if (!(channels instanceof Map)) {
            return Collections.emptyList();
        }
        List<Object> out = new ArrayList<Object>();
        for (Object c : ((Map<?, ?>) channels).values().toArray()) {
            if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    @Override
    public String channelKind(Object channel) {
        String why = SshjFoundExecs.why(channel);
        if (why != null) {
            return "session (found at attach, no exec deadline: " + why + ")";
        }
        String how = SshjFoundExecs.how(channel);
        return how != null ? "exec (found at attach: " + how + ")" : SshjView.INSTANCE.channelKind(channel);
    }
}
