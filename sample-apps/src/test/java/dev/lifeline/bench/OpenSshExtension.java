package dev.lifeline.bench;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One OpenSSH server per test class, the set-up every class that talks to a real sshd used to copy:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final OpenSshExtension SSHD = OpenSshExtension.builder().requires(PacketDrop::available, "needs root and nft").build();
 * ... SSHD.server().target("echo hi") ...
 * </pre>
 *
 * <p>Register it in a {@code static} field: it checks its requirements (skip on a developer's machine, fail in CI, as
 * {@link Requirements#require}), starts the server before the class's own {@code @BeforeAll} methods ({@link
 * Builder#onDemand()}: at the first {@link #server()} call instead, for a server only some tests use) and stops it
 * after the class. A failing test gets the server's log (sshd {@code -e}: connections, auth, {@code Timeout, client
 * not responding}) attached as a suppressed exception; the failure itself is rethrown unchanged.
 *
 * <p>Everything the server itself does (user {@link OpenSshServer#UNPRIVILEGED}, keys, the bench's sshd_config with
 * ssh-rsa for jcraft, a fresh temporary folder, the port) is {@link OpenSshServer}'s; {@link Builder#config} adds
 * sshd_config lines such as {@code ClientAliveInterval 1}.
 */
final class OpenSshExtension implements BeforeAllCallback, AfterAllCallback, TestExecutionExceptionHandler {
    /** The tail of the sshd log attached to a failure. */
    static final int LOG_TAIL_CHARS = 20_000;

    private final List<String> config;
    private final List<BooleanSupplier> requirements;
    private final List<String> reasons;
    private final boolean onDemand;
    private OpenSshServer server;
    private boolean classStarted;

    private OpenSshExtension(Builder b) {
        this.config = new ArrayList<>(b.config);
        this.requirements = new ArrayList<>(b.requirements);
        this.reasons = new ArrayList<>(b.reasons);
        this.onDemand = b.onDemand;
    }

    static Builder builder() {
        return new Builder();
    }

    static final class Builder {
        private final List<String> config = new ArrayList<>();
        private final List<BooleanSupplier> requirements = new ArrayList<>();
        private final List<String> reasons = new ArrayList<>();
        private boolean onDemand;

        /** Extra {@code sshd_config} lines, e.g. {@code ClientAliveInterval 1} (see {@link OpenSshServer.Builder#config}). */
        Builder config(String... lines) {
            config.addAll(Arrays.asList(lines));
            return this;
        }

        /** Another condition the class needs (checked before the server starts), e.g. {@code PacketDrop::available}. */
        Builder requires(BooleanSupplier condition, String why) {
            requirements.add(condition);
            reasons.add(why);
            return this;
        }

        /** Starts the server at the first {@link #server()} call rather than before the class. */
        Builder onDemand() {
            onDemand = true;
            return this;
        }

        OpenSshExtension build() {
            return new OpenSshExtension(this);
        }
    }

    /** The running server (started now if {@link Builder#onDemand()}); unchecked, so lambdas in tests can call it. */
    OpenSshServer server() {
        try {
            return start();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("sshd did not start: " + e.getMessage(), e);
        }
    }

    private synchronized OpenSshServer start() throws Exception {
        if (server == null) {
            if (!classStarted) {
                throw new IllegalStateException("OpenSshExtension must be registered in a static @RegisterExtension field");
            }
            checkRequirements();
            server = OpenSshServer.builder().config(config.toArray(new String[0])).start();
        }
        return server;
    }

    private void checkRequirements() {
        for (int i = 0; i < requirements.size(); i++) {
            Requirements.require(requirements.get(i).getAsBoolean(), reasons.get(i));
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (this) {
            classStarted = true;
        }
        checkRequirements();
        if (!onDemand) {
            start();
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        classStarted = false;
        if (server != null) {
            try {
                server.close();
            } finally {
                server = null;
            }
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        OpenSshServer s;
        synchronized (this) {
            s = server;
        }
        if (s != null && !(failure instanceof TestAbortedException)) {
            String log = s.log();
            if (log.length() > LOG_TAIL_CHARS) {
                log = "[...]" + log.substring(log.length() - LOG_TAIL_CHARS);
            }
            failure.addSuppressed(new ServerLog("sshd on " + s.host + ":" + s.port + " (" + s.dir + "), log:\n" + log));
        }
        throw failure;
    }

    /** Carries the server's log next to a test failure; no stack trace of its own. */
    static final class ServerLog extends Exception {
        private static final long serialVersionUID = 1L;

        ServerLog(String message) {
            super(message, null, false, false);
        }
    }
}
