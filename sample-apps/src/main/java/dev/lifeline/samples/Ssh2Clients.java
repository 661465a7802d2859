package dev.lifeline.samples;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * How a Ganymed-family app (Trilead SSH-2, Jenkins' fork, Ganymed SSH-2) connects: {@code new Connection(host, port)},
 * {@code connect()} with no timeouts and any host key, a key file. The libraries share this API under two package
 * names, so the family's sample apps call it through whichever package is on their class path.
 */
final class Ssh2Clients {
    private Ssh2Clients() {
    }

    /** {@code com.trilead.ssh2} or {@code ch.ethz.ssh2}. */
    static String pkg() {
        try {
            Class.forName("com.trilead.ssh2.Connection");
            return "com.trilead.ssh2";
        } catch (ClassNotFoundException e) {
            return "ch.ethz.ssh2";
        }
    }

    /** Connects and authenticates; {@code result}'s phase is {@code connect}. */
    static Object connect(Target t, Result result) throws Exception {
        return connect(t, result, false);
    }

    /** {@link #connect(Target, Result)}, with {@code setTCPNoDelay(true)} first when {@code noDelay} (the benchmark's). */
    static Object connect(Target t, Result result, boolean noDelay) throws Exception {
        result.phase("connect");
        Object c = Class.forName(pkg() + ".Connection").getConstructor(String.class, int.class).newInstance(t.host, t.port);
        if (noDelay) {
            c.getClass().getMethod("setTCPNoDelay", boolean.class).invoke(c, true);
        }
        call(c, "connect");
        Object ok = c.getClass().getMethod("authenticateWithPublicKey", String.class, File.class, String.class)
                .invoke(c, t.user, new File(t.identity), null);
        if (!Boolean.TRUE.equals(ok)) {
            throw new IllegalStateException("authentication failed");
        }
        return c;
    }

    /** A new session running {@code command}. */
    static Object exec(Object connection, String command) throws Exception {
        Object s = call(connection, "openSession");
        s.getClass().getMethod("execCommand", String.class).invoke(s, command);
        return s;
    }

    /** A public no-argument method; the library's own exception, not the reflective wrapper, when it throws. */
    static Object call(Object target, String method) throws Exception {
        Method m = target.getClass().getMethod(method);
        try {
            return m.invoke(target);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }
}
