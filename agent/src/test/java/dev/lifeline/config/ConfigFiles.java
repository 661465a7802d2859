package dev.lifeline.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Test helper: write a properties file and load it with given system properties and environment. */
final class ConfigFiles {
    private ConfigFiles() {
    }

    static Path write(Path dir, String name, String... lines) {
        try {
            Path f = dir.resolve(name);
            Files.write(f, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Config load(Path file, String extraArgs) {
        return load(file, extraArgs, Map.of(), Map.of());
    }

    static Config load(Path file, String extraArgs, Map<String, String> sysprops, Map<String, String> env) {
        String args = (file == null ? "" : file.toString()) + (extraArgs == null ? "" : "," + extraArgs);
        return Config.load(args, sysprops, env);
    }
}
