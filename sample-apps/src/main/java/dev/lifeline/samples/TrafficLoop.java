package dev.lifeline.samples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Rounds of traffic on one session for a given time, for the re-keying test (issue 25: traffic and quiet spells across
 * hundreds of key exchanges, with and without the agent). A round is an exec to its end (exit 0), an SFTP upload of
 * {@link #UPLOAD_BYTES} on a new SFTP channel (the size the server then states for the file, and its removal), and a
 * connection through the session's local forward to its own server's sshd, which must greet with {@code SSH-2.0-}.
 * Reports {@code rounds}, {@code failed} and the first error (named by its step); status ok only when every round did
 * all three and the session lived to the end. Arguments after the target: {@code SECONDS COMMAND REMOTE_FILE}.
 */
final class TrafficLoop {
    static final String USAGE = "SECONDS COMMAND REMOTE_FILE";
    /** More than the 32 KB one SFTP write request carries: several requests, and half the server's re-key volume. */
    static final int UPLOAD_BYTES = 128 * 1024;
    /** Bounds a read through the forward, so that a stuck forward is a failed round, not a hung app. */
    private static final int FORWARD_READ_MS = 30_000;

    /** One exec to its end; its exit status, null when there is none. */
    interface Exec {
        Integer run(String command) throws Exception;
    }

    /** Writes {@code data} to {@code remoteFile} over a new SFTP channel; the size stated for it then; removes it. */
    interface Upload {
        long run(String remoteFile, byte[] data) throws Exception;
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

    /** Rounds until {@code SECONDS} have passed; {@code forwardPort}: the session's local forward to {@code t}'s sshd. */
    static void run(Result result, Target t, int forwardPort, Exec exec, Upload upload) {
        long end = System.nanoTime() + Long.parseLong(t.rest[0]) * 1_000_000_000L;
        byte[] data = new byte[UPLOAD_BYTES];
        new Random(25).nextBytes(data);
        int rounds = 0;
        int failed = 0;
        String error = null;
        Result.ready("traffic");
        while (System.nanoTime() < end) {
            rounds++;
            String step = "exec";
            try {
                String wrong = null;
                Integer exit = exec.run(t.rest[1]);
                if (exit == null || exit != 0) {
                    wrong = "exit " + exit;
                }
                step = "sftp";
                long size = upload.run(t.rest[2], data);
                if (wrong == null && size != data.length) {
                    wrong = "stated size " + size + " for " + data.length + " bytes written";
                }
                step = "forward";
                String greeting = greetingThrough(forwardPort);
                if (wrong == null && !greeting.startsWith("SSH-2.0-")) {
                    wrong = "greeting through the forward: '" + greeting + "'";
                }
                if (wrong != null) {
                    failed++;
                    error = error != null ? error : wrong;
                }
            } catch (Exception e) {
                failed++;
                error = error != null ? error : step + ": " + e.getClass().getName() + ": " + e.getMessage();
                break; // the session is broken: every later round would fail the same way
            }
        }
        result.with("rounds", rounds).with("failed", failed);
        if (error != null) {
            result.with("error", error);
        }
        result.finish(failed == 0 ? "ok" : "failed");
    }

    /** The first line read from a new connection to the forward's loopback port (what came before EOF, if none). */
    private static String greetingThrough(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), FORWARD_READ_MS);
            s.setSoTimeout(FORWARD_READ_MS);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b; line.size() < 255 && (b = in.read()) >= 0 && b != '\n'; ) {
                line.write(b);
            }
            return new String(line.toByteArray(), StandardCharsets.US_ASCII).trim();
        }
    }
}
