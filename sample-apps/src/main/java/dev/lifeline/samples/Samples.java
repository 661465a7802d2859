package dev.lifeline.samples;

/** Small helpers of the long-running samples that print {@code EVENT} lines as things happen (issue 24's apps). */
final class Samples {
    private Samples() {
    }

    static synchronized void event(String what) {
        System.out.println("EVENT " + what);
        System.out.flush();
    }

    static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    /** A poll's pause in the app (the app polls a library flag, as legacy apps do). */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
