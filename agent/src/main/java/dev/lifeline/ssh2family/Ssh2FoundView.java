package dev.lifeline.ssh2family;

import java.util.Collections;
import java.util.List;

/**
 * A connection of the family found at attach, as {@code sessions} shows it: listed under its transport
 * ({@link Ssh2Found}), read from the transport's fields and from the channel manager found with it.
 */
final class Ssh2FoundView extends Ssh2View {
    Ssh2FoundView(Ssh2Library lib) {
        super(lib);
    }

    /** Until the transport has closed (its close cause set), by the app, the library or a dead peer. */
    @Override
    public boolean isOpen(Object transport) {
        return !lib.api(transport).transportClosed(transport);
    }

    @Override
    public List<Object> channels(Object transport) {
        Ssh2Api api = lib.api(transport);
        Ssh2Connection c = Ssh2Sessions.of(transport);
        Object manager = c != null ? c.manager : api.managerOfTransport(transport);
        return manager == null ? Collections.emptyList() : api.channels(manager);
    }

    @Override
    public String channelKind(Object channel) {
        String why = Ssh2FoundExecs.why(channel);
        return why == null ? super.channelKind(channel) : "session (found at attach, no exec deadline: " + why + ")";
    }
}
