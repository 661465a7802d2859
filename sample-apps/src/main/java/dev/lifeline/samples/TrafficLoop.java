package dev.lifeline.samples;

/**
 * Runs one exec after another on one session for a given time and reports {@code rounds}, {@code failed} and the first
 * error; status ok only when every exec ended with exit 0 and the session lived to the end. For the re-keying test
 * (issue 25 item 4): traffic and quiet spells across hundreds of key exchanges, with and without the agent.
 */
final class TrafficLoop {
    /** One exec to its end; its exit status, null when there is none. */
    interface Exec {
        Integer run() throws Exception;
    }

    /** Connects and authenticates; may throw. */
    interface Connect<T> {
        T connect() throws Exception;
    }

    private TrafficLoop() {
    }

    /**
     * Up to 5 attempts: a connect whose authentication outlasts the server's re-key time (3 s, on a loaded machine)
     * can fail in JSch, with or without the agent (a key exchange started by the server during authentication), and
     * what is tested is the established session. Reports {@code connects}.
     */
    static <T> T connect(Result result, Connect<T> connect) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                T session = connect.connect();
                result.with("connects", attempt);
                return session;
            } catch (Exception e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    static void run(Result result, long seconds, Exec exec) {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        int rounds = 0;
        int failed = 0;
        String error = null;
        Result.ready("traffic");
        while (System.nanoTime() < end) {
            rounds++;
            try {
                Integer exit = exec.run();
                if (exit == null || exit != 0) {
                    failed++;
                    error = error != null ? error : "exit " + exit;
                }
            } catch (Exception e) {
                failed++;
                error = error != null ? error : e.getClass().getName() + ": " + e.getMessage();
                break; // the session is broken: every later exec would fail the same way
            }
        }
        result.with("rounds", rounds).with("failed", failed);
        if (error != null) {
            result.with("error", error);
        }
        result.finish(failed == 0 ? "ok" : "failed");
    }
}
