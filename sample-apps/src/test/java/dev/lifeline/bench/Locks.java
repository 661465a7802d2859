package dev.lifeline.bench;

/**
 * Names for {@code @ResourceLock}: what a test class needs alone while the classes run side by side
 * (junit-platform.properties). A lock is taken by the whole class.
 */
final class Locks {
    /**
     * Both cores, for a long stretch: a class that saturates the CPU (thousands of exec cycles, a large encrypted
     * transfer) or needs it promptly for many connections at once (120 handshakes that a 5 s flow timeout must not
     * outlast). Those classes run one at a time, each still beside classes that mostly wait.
     */
    static final String CPU = "lifeline.cpu";

    private Locks() {
    }
}
