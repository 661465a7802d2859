package dev.lifeline.samples;

import java.util.concurrent.CountDownLatch;

/**
 * An exec the way a Ganymed-family app writes one: the method that runs {@code execCommand} waits for the command's
 * end. Compiled against each library's own API (not through reflection, as {@link Ssh2Clients} is), so its bytecode
 * says what it started: Lifeline's attach tells an exec found open from a shell by that (issue 24). One class per
 * package, so only the one on the class path is ever loaded.
 */
final class Ssh2ExecWaiter {
    private Ssh2ExecWaiter() {
    }

    /** Runs {@code command} on {@code connection}, counts {@code started} down, and waits for its end: its exit status. */
    static Integer execAndWait(Object connection, String command, CountDownLatch started) throws Exception {
        return Ssh2Clients.pkg().equals("com.trilead.ssh2") ? Trilead.execAndWait(connection, command, started)
                : Ganymed.execAndWait(connection, command, started);
    }

    private static final class Trilead {
        static Integer execAndWait(Object connection, String command, CountDownLatch started) throws Exception {
            com.trilead.ssh2.Session s = ((com.trilead.ssh2.Connection) connection).openSession();
            s.execCommand(command);
            started.countDown();
            s.waitForCondition(com.trilead.ssh2.ChannelCondition.EXIT_STATUS | com.trilead.ssh2.ChannelCondition.CLOSED, 0);
            return s.getExitStatus();
        }
    }

    private static final class Ganymed {
        static Integer execAndWait(Object connection, String command, CountDownLatch started) throws Exception {
            ch.ethz.ssh2.Session s = ((ch.ethz.ssh2.Connection) connection).openSession();
            s.execCommand(command);
            started.countDown();
            s.waitForCondition(ch.ethz.ssh2.ChannelCondition.EXIT_STATUS | ch.ethz.ssh2.ChannelCondition.CLOSED, 0);
            return s.getExitStatus();
        }
    }
}
