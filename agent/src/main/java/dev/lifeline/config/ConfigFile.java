package dev.lifeline.config;

import dev.lifeline.report.Log;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The configuration file: read (a regular file of UTF-8 {@code key = value} lines, at most 1 MiB, never a silently
 * cut one) and, once it is known to be valid, checked for who may write it. premain runs this interpreted with a
 * file, so it is one class with the line syntax in it, and the ways a path can fail to be a regular file are
 * described by {@link NotARegularFile}, loaded only then.
 */
public final class ConfigFile {
    static final long MAX_FILE_BYTES = 1024 * 1024;
    static final String FILE_ACCEPTED = "a regular file (or a symbolic link to one), readable, UTF-8 properties,"
            + " at most 1 MiB";
    private static final String ACCEPTED = "; accepted: " + FILE_ACCEPTED;

    private ConfigFile() {
    }

    /** Its lines go to {@code into} as entries of the file layer; what is wrong with it, to its errors. */
    static void read(String path, ConfigLoader into) {
        File f = new File(path);
        Origin whole = Origin.fileItself(path);
        if (!f.isFile()) { // one java.io stat for a regular file (premain runs this interpreted); else say what it is
            ConfigError notRegular = NotARegularFile.error(f, whole, path);
            if (notRegular != null) {
                into.errors.add(notRegular);
                return;
            }
        }
        if (f.length() > MAX_FILE_BYTES) {
            into.errors.add(new ConfigError(whole, "file", path, "too large (" + f.length() + " bytes)" + ACCEPTED));
            return;
        }
        byte[] bytes;
        try {
            InputStream in = new FileInputStream(f); // not Files.newInputStream: its FileChannel classes are not in CDS
            try {
                bytes = readBounded(in, MAX_FILE_BYTES);
            } finally {
                in.close();
            }
        } catch (IOException e) {
            into.errors.add(new ConfigError(whole, "file", path, "cannot be read (" + e.getMessage() + ")" + ACCEPTED));
            return;
        }
        if (bytes == null) {
            into.errors.add(new ConfigError(whole, "file", path, "too large (more than " + MAX_FILE_BYTES
                    + " bytes when read: it grew while being read)" + ACCEPTED));
            return;
        }
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length);
        into.fileCrc = crc.getValue();
        String text;
        try {
            text = isAscii(bytes) ? new String(bytes, StandardCharsets.ISO_8859_1) : StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IOException e) { // CharacterCodingException: the only one decode throws (a catch loads its class)
            into.errors.add(new ConfigError(whole, "file", path, "not a text file (invalid UTF-8)" + ACCEPTED));
            return;
        }
        if (text.indexOf('\0') >= 0) {
            into.errors.add(new ConfigError(whole, "file", path, "not a text file (contains NUL bytes)" + ACCEPTED));
            return;
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        readLines(path, text, into);
    }

    /** {@code key = value}, {@code key: value} or {@code key value}; # and ! comments; each key once. */
    private static void readLines(String path, String text, ConfigLoader into) {
        Map<String, Integer> firstLine = new HashMap<String, Integer>();
        List<String> lines = lines(text);
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = stripComment(lines.get(i)).trim();
            if (line.isEmpty()) {
                continue;
            }
            int sep = separator(line);
            Origin origin = Origin.file(path, lineNo);
            if (sep < 0) {
                into.errors.add(new ConfigError(origin, line, null, "no value; accepted: key = value"));
                continue;
            }
            String key = line.substring(0, sep).trim();
            String value = line.substring(sep + 1).trim();
            if (key.isEmpty()) {
                into.errors.add(new ConfigError(origin, "(empty key)", null,
                        "a line must start with a key; accepted: key = value"));
                continue;
            }
            Integer earlier = firstLine.get(key);
            if (earlier != null) {
                into.errors.add(new ConfigError(origin, key, ConfigLoader.known(key) ? value : null, "duplicate key, already set on line " + earlier
                        + "; accepted: each key once per file"));
                continue;
            }
            firstLine.put(key, lineNo);
            into.put(key, value, origin);
        }
    }

    /** Plain ASCII (every byte below 0x80): valid UTF-8 that needs no decoder (its classes are not in CDS). */
    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /** {@code text.split("\r\n|\r|\n", -1)} without a regular expression (start-up runs this interpreted). */
    static List<String> lines(String text) {
        List<String> out = new ArrayList<String>();
        int start = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                out.add(text.substring(start, i));
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        out.add(text.substring(start));
        return out;
    }

    /** Whole-line comments start with # or !; a # after whitespace starts an inline comment (as in the docs). */
    private static String stripComment(String line) {
        String t = line.trim();
        if (t.startsWith("#") || t.startsWith("!")) {
            return "";
        }
        for (int i = 1; i < line.length(); i++) {
            if (line.charAt(i) == '#' && Character.isWhitespace(line.charAt(i - 1))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static int separator(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '=' || c == ':') {
                return i;
            }
            if (Character.isWhitespace(c)) {
                // "key value" is accepted too, unless an = or : follows the blanks
                int j = i;
                while (j < line.length() && Character.isWhitespace(line.charAt(j))) {
                    j++;
                }
                return j < line.length() && (line.charAt(j) == '=' || line.charAt(j) == ':') ? j : i;
            }
        }
        return -1;
    }

    /** The whole stream when it holds at most {@code max} bytes, else null: never a silently cut file. */
    static byte[] readBounded(InputStream in, long max) throws IOException {
        byte[] buf = new byte[8192];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int r;
        while ((r = in.read(buf)) > 0) {
            out.write(buf, 0, r);
            if (out.size() > max) {
                return null;
            }
        }
        return out.toByteArray();
    }

    /**
     * The file decides whether every JVM that reads it is protected ({@code mode=off} turns Lifeline off, and it is
     * re-read on change): one that its group or everyone may write is worth a warning. Not an error, since the JVM's
     * owner chose the file; the application runs either way.
     */
    public static void warnIfOthersCanWrite(String file) {
        if (file == null) {
            return;
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(Paths.get(file));
            if (perms.contains(PosixFilePermission.GROUP_WRITE) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                Log.warn("config.file-writable", "file", file, "permissions", PosixFilePermissions.toString(perms),
                        "risk", "whoever can write it can change or turn off (mode=off) the protection of every JVM that reads it",
                        "fix", "chmod go-w " + file);
            }
        } catch (Exception notPosixOrGone) {
            // Windows, or the file went away: the loader has already said what it could
        }
    }
}
