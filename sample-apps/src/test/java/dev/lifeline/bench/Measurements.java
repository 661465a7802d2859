package dev.lifeline.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;

/** Figures measured by behaviour tests, printed and appended to target/measurements.txt. Never asserted as speed. */
final class Measurements {
    private static final Path FILE = Paths.get("target", "measurements.txt");

    private Measurements() {
    }

    static synchronized void record(String what, long millis) {
        String line = String.format("MEASURED %-60s %6d ms", what, millis);
        System.out.println(line);
        try {
            Files.createDirectories(FILE.getParent());
            Files.write(FILE, (line + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // the figure is on stdout too
        }
    }
}
