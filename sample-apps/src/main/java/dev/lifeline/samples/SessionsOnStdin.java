package dev.lifeline.samples;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * With {@code -Dsample.sessionsOnStdin=true}: each {@code sessions} line on stdin prints Lifeline's sessions view (the
 * JMX attribute {@code Sessions}, as {@code sessions PID} shows it), each line prefixed {@code SESSIONS }, then
 * {@code SESSIONS-END}. A daemon thread, so the app's own main thread stays as the app wrote it.
 */
final class SessionsOnStdin {
    private SessionsOnStdin() {
    }

    static void startIfAsked() {
        if (!Boolean.getBoolean("sample.sessionsOnStdin")) {
            return;
        }
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.trim().equals("sessions")) {
                        String table = AgentProbe.text("Sessions");
                        StringBuilder out = new StringBuilder();
                        for (String l : String.valueOf(table).split("\n", -1)) {
                            out.append("SESSIONS ").append(l).append('\n');
                        }
                        out.append("SESSIONS-END\n");
                        System.out.print(out);
                        System.out.flush();
                    }
                }
            } catch (Exception ignored) {
                // stdin closed: nothing more to print
            }
        }, "sessions-on-stdin");
        t.setDaemon(true);
        t.start();
    }
}
