package dev.lifeline.ssh2family;

import dev.lifeline.enforce.ProbeKeepalive;
import dev.lifeline.sessions.LibraryView;

import java.util.List;

/** The family's connections as {@code sessions} shows them: fields only (the library's methods lock the connection). */
class Ssh2View extends LibraryView {
    final Ssh2Library lib;

    Ssh2View(Ssh2Library lib) {
        this.lib = lib;
    }

    @Override
    public String packagePrefix() {
        return lib.pkg + ".";
    }

    @Override
    public boolean isOpen(Object connection) {
        Ssh2Api api = lib.api(connection);
        Object tm = api.transport(connection);
        return (tm != null && !api.transportClosed(tm)) || Ssh2Sessions.isConnecting(connection);
    }

    @Override
    public String keepalive(Object connection) {
        Ssh2Connection c = Ssh2Sessions.of(connection);
        ProbeKeepalive k = c == null ? null : c.keepalive;
        Ssh2Keepalive link = c == null ? null : c.link;
        if (k == null || link == null || k.stopped()) {
            return "off (the library has none; Lifeline's not set)";
        }
        return "every " + k.intervalMillis + "ms x" + k.countMax + " (Lifeline's keepalive@openssh.com), probes outstanding "
                + link.outstanding() + ", round trip n/a";
    }

    @Override
    public List<Object> channels(Object connection) {
        Ssh2Api api = lib.api(connection);
        return api.channels(api.channelManager(connection));
    }

    @Override
    public String channelKind(Object channel) {
        return Ssh2Channels.isExec(channel) ? "exec" : "session";
    }
}
