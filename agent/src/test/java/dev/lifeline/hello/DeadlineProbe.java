package dev.lifeline.hello;

import dev.lifeline.enforce.DeadlineScheduler;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Runs until stdin ends; each line N arms a Lifeline deadline of N ms on the agent's deadline thread (the agent jar is
 * on the system class path) and prints {@code fired N after M ms} when it runs: proves that thread is not blocked.
 */
public final class DeadlineProbe {
    public static void main(String[] args) throws Exception {
        System.out.println("ready");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            final long millis = Long.parseLong(line.trim());
            final long start = System.nanoTime();
            DeadlineScheduler.schedule("probe", millis, new Runnable() {
                @Override
                public void run() {
                    System.out.println("fired " + millis + " after " + (System.nanoTime() - start) / 1_000_000 + " ms");
                    System.out.flush();
                }
            });
        }
    }
}
