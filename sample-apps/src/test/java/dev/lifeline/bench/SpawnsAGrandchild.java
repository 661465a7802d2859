package dev.lifeline.bench;

/** A forked JVM's main for {@link ForkedJvmTest}: starts a long {@code sleep} of its own, says so, then never ends. */
public final class SpawnsAGrandchild {
    public static void main(String[] args) throws Exception {
        Process sleep = new ProcessBuilder("sleep", "600").start();
        System.out.println("READY grandchild=" + sleep.pid());
        System.err.println("a line on stderr");
        System.out.flush();
        synchronized (SpawnsAGrandchild.class) {
            SpawnsAGrandchild.class.wait();
        }
    }
}
