package dev.lifeline.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Test helper: write a properties file and load it with given system properties and environment; and the corpus of
 * bad configuration inputs (issue 8), files under {@code src/test/resources/bad-configs/} listed with the error each
 * must give in {@code expected.txt}, plus the cases that are made at test time (missing, directory, unreadable, too
 * large...).
 */
public final class ConfigFiles {
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

    /**
     * One bad input and the error it must give: in {@code file} at {@code line} (0: the file itself), naming {@code key}
     * and {@code value} (null: none), with {@code problem} in its message followed by what is accepted. {@code unreadable}:
     * made unreadable with chmod 000, which does not stop root.
     */
    public record BadConfig(String name, Path file, int line, String key, String value, String problem, String accepted,
                            boolean unreadable) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The directory of the corpus files, as the test class path has it. */
    public static Path corpusDirectory() {
        try {
            return Paths.get(ConfigFiles.class.getResource("/bad-configs/expected.txt").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The corpus files, in the order of {@code expected.txt}. */
    public static List<BadConfig> corpusFiles() {
        Path dir = corpusDirectory();
        List<BadConfig> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(dir.resolve("expected.txt"), StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split(" \\| ", -1);
                if (f.length != 6) {
                    throw new IllegalStateException("expected.txt: 6 fields separated by ' | ' in: " + line);
                }
                Path file = dir.resolve(f[0].trim());
                String value = f[3].trim();
                out.add(new BadConfig(f[0].trim().replace(".properties", ""), file, Integer.parseInt(f[1].trim()),
                        unescape(f[2].trim()),
                        value.equals("-") ? null : value.equals("<file>") ? file.toString() : unescape(value),
                        f[4].trim(), f[5].trim(), false));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Inputs that are no file in the corpus directory: a missing file, a directory, a file too large to read... */
    public static List<BadConfig> generatedCases(Path dir) {
        String file = ConfigFile.FILE_ACCEPTED;
        try {
            List<BadConfig> out = new ArrayList<>();
            Path missing = dir.resolve("does-not-exist.properties");
            out.add(new BadConfig("missing-file", missing, 0, "file", missing.toString(), "no such file", file, false));

            Path directory = Files.createDirectories(dir.resolve("a-directory.properties"));
            out.add(new BadConfig("directory", directory, 0, "file", directory.toString(), "is a directory", file, false));

            // opening a FIFO for reading waits for a writer: start-up (and check) used to block forever on it
            Path fifo = dir.resolve("a-fifo.properties");
            if (!Files.exists(fifo)) {
                mkfifo(fifo);
            }
            out.add(new BadConfig("fifo", fifo, 0, "file", fifo.toString(), "is a FIFO (named pipe), not a regular file",
                    file, false));
            Path zero = Paths.get("/dev/zero");
            out.add(new BadConfig("character-device", zero, 0, "file", zero.toString(),
                    "is a character device, not a regular file", file, false));

            Path unreadable = dir.resolve("unreadable.properties");
            Files.deleteIfExists(unreadable); // listed once per test method: start again from a writable file
            write(dir, "unreadable.properties", "mode = fill");
            Files.setPosixFilePermissions(unreadable, java.util.Set.of());
            out.add(new BadConfig("unreadable-chmod-000", unreadable, 0, "file", unreadable.toString(), "cannot be read",
                    file, true));

            Path huge = dir.resolve("huge.properties");
            writeComments(huge, ConfigFile.MAX_FILE_BYTES + 1, "");
            out.add(new BadConfig("too-large", huge, 0, "file", huge.toString(), "too large (1048577 bytes)", file, false));

            // just under the limit: read whole, and the one bad line at its very end is found
            Path large = dir.resolve("large-allowed.properties");
            String last = "keepalive.interval = 15x\n";
            int lastLine = writeComments(large, ConfigFile.MAX_FILE_BYTES - last.length(), last);
            out.add(new BadConfig("large-allowed-bad-last-line", large, lastLine, "keepalive.interval", "15x",
                    "unknown unit 'x'", Durations.ACCEPTED, false));

            Path many = dir.resolve("ten-thousand-errors.properties");
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < TEN_THOUSAND; i++) {
                b.append("bad.line.").append(i).append('\n'); // no '=': an error each (an unknown key is a warning)
            }
            Files.write(many, b.toString().getBytes(StandardCharsets.UTF_8));
            out.add(new BadConfig("ten-thousand-bad-lines", many, 1, "bad.line.0", null, "no value", "key = value", false));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static final int TEN_THOUSAND = 10_000;

    /** A named pipe at {@code path} (Linux {@code mkfifo}). */
    public static void mkfifo(Path path) throws IOException {
        try {
            Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException("mkfifo " + path + ": " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** The whole corpus: files and generated cases. */
    public static List<BadConfig> corpus(Path dir) {
        return Stream.concat(corpusFiles().stream(), generatedCases(dir).stream()).toList();
    }

    /** Comment lines up to {@code size} bytes, then {@code last}; returns the 1-based line number of {@code last}. */
    private static int writeComments(Path f, long size, String last) throws IOException {
        StringBuilder b = new StringBuilder();
        int lines = 0;
        String comment = "# padding padding padding padding padding padding padding padding padding padding\n";
        while (b.length() + comment.length() <= size) {
            b.append(comment);
            lines++;
        }
        while (b.length() < size) {
            b.setCharAt(b.length() - 1, '#');
            b.append('\n');
        }
        b.append(last);
        Files.write(f, b.toString().getBytes(StandardCharsets.UTF_8));
        return lines + 1;
    }

    private static final Pattern REPEAT = Pattern.compile("<(\\d+) x (.)>");

    /** {@code ''} is empty; {@code \t}, {@code \\uXXXX}; {@code <N x c>} is c repeated N times. */
    private static String unescape(String s) {
        if (s.equals("''")) {
            return "";
        }
        Matcher m = REPEAT.matcher(s);
        if (m.matches()) {
            return m.group(2).repeat(Integer.parseInt(m.group(1)));
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == 't') {
                b.append('\t');
                i++;
            } else if (c == '\\' && i + 5 < s.length() && s.charAt(i + 1) == 'u') {
                b.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
