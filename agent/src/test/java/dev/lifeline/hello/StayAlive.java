package dev.lifeline.hello;

import java.io.IOException;

/** An application that runs until its stdin is closed (or says "stop"): for tests that talk to a live JVM. */
public final class StayAlive {
    public static void main(String[] args) throws IOException {
        System.out.println("ready");
        System.out.flush();
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = System.in.read()) >= 0) {
            if (c == '\n') {
                if (line.toString().trim().equals("stop")) {
                    return;
                }
                line.setLength(0);
            } else {
                line.append((char) c);
            }
        }
    }
}
