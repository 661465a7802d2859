package dev.lifeline.samples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads a command's output line by line until it ends, and says how long the stream had been quiet when it ended
 * ({@code quiet_ms}: from the last line to the end of the stream, measured here, not by the test across a pipe).
 * Prints {@code READY streaming} at the first line. For the streaming-exec samples (issue 25 item 3).
 */
final class LineClock {
    int lines;
    long quietMillis = -1;
    String ended = "eof";

    static LineClock read(InputStream in) {
        LineClock c = new LineClock();
        long last = System.nanoTime();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            while (r.readLine() != null) {
                last = System.nanoTime();
                if (++c.lines == 1) {
                    Result.ready("streaming");
                }
            }
        } catch (IOException e) {
            c.ended = e.getClass().getSimpleName();
        }
        c.quietMillis = (System.nanoTime() - last) / 1_000_000L;
        return c;
    }

    Result report(Result result) {
        return result.with("lines", lines).with("quiet_ms", quietMillis).with("ended", ended);
    }
}
