package dev.lifeline.ganymed;

import dev.lifeline.ssh2family.Ssh2Library;
import dev.lifeline.ssh2family.Ssh2Module;

/**
 * Ganymed SSH-2 ({@code ch.ethz.ssh2}) 262, Trilead's ancestor and still in older enterprise apps; it has no keepalive
 * of any kind. What Lifeline does is the family's ({@link Ssh2Module}); Ganymed's most specific {@code connect} takes
 * connect and kex timeouts, its {@code execCommand(cmd)} calls {@code execCommand(cmd, charset)}, and its client
 * socket sits in {@code ClientTransportManager} (262 has a server side sharing the transport base).
 */
public final class GanymedModule extends Ssh2Module {
    static final String NAME = "ganymed";
    static final String PACKAGE = "ch.ethz.ssh2";

    public GanymedModule() {
        super(NAME, PACKAGE, "II", "(Ljava/lang/String;Ljava/lang/String;)V");
    }

    @Override
    protected Ssh2Library lib() {
        return GanymedHooks.LIBRARY;
    }

    @Override
    public Class<?> hookClass() {
        return GanymedHooks.class;
    }
}
