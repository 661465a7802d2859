package dev.lifeline.report;

import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One line per event, logfmt fields, prefixed {@code [lifeline]}, on stderr or appended to {@code log.file}. No
 * logging framework: the agent must not initialise JUL or impose a backend on the application it lives in.
 *
 * <p>A file gets one {@code write} per line on an unbuffered, append-mode stream (so every line is on disk, or at
 * least in the kernel, when the call returns) and a {@code ts=} field, since nothing else stamps it; stderr lines keep
 * their old form because whatever collects stderr usually stamps them. A file that cannot be opened or written is
 * reported once on stderr, counted as {@code internalErrors}, and logging goes on to stderr: the application never
 * sees an exception from here. Only a regular file (or a path that does not exist yet) is used: opening a FIFO for
 * writing would block until a reader comes, so a FIFO, device or directory is refused before it is opened. A write that
 * hangs (a stuck network file system) holds up only the thread writing: every other thread waits at most
 * {@link #LOCK_WAIT_MILLIS} for the file and then writes its line to stderr.
 *
 * <p>Every character of a value outside printable ASCII is escaped ({@code \n}, {@code \r}, {@code \t},
 * {@code \}{@code uXXXX}), so one event stays one line for any line splitter, whatever a host name or command holds.
 */
public final class Log {
    public enum Level { DEBUG, INFO, WARN, ERROR }

    /** In holders, as FILE_LOCK: premain loads Log, and a JVM that never warns once or writes a file needs neither. */
    private static final class Once {
        static final Set<String> ONCE = ConcurrentHashMap.newKeySet();
    }
    /** How long a line waits for a file another thread is writing before it goes to stderr instead. */
    static final long LOCK_WAIT_MILLIS = 2000;
    private static final class FileLock {
        static final ReentrantLock FILE_LOCK = new ReentrantLock();
    }
    private static volatile Level threshold = Level.INFO;
    /** Null: stderr. Guarded by FILE_LOCK for opening, writing and closing. */
    private static volatile FileSink file;

    private static final class FileSink {
        final String path;
        final OutputStream out;

        FileSink(String path, OutputStream out) {
            this.path = path;
            this.out = out;
        }
    }

    /** Loaded only when a file is used: java.time costs start-up time that stderr-only JVMs need not pay. */
    private static final class Timestamps {
        static final DateTimeFormatter ISO_UTC =
                DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

        static String now() {
            return ISO_UTC.format(Instant.ofEpochMilli(System.currentTimeMillis()));
        }
    }

    private Log() {
    }

    public static void setLevel(Level level) {
        threshold = level;
    }

    public static Level level() {
        return threshold;
    }

    /**
     * Sends the following lines to {@code path} (appended; created if missing), or to stderr when {@code path} is null
     * or empty. The same path again keeps the open file. Never throws.
     *
     * @return false when the file could not be opened: one error line on stderr says why, and logging goes to stderr
     */
    public static boolean useFile(String path) {
        if (!lockFile()) {
            System.err.println(format(null, Level.ERROR, "log.file-unusable", "file", path, "reason",
                    "another thread is stuck writing the current log file", "action", "file not changed"));
            return false;
        }
        try {
            FileSink old = file;
            if (path == null || path.isEmpty()) {
                file = null;
                close(old);
                return true;
            }
            if (old != null && old.path.equals(path)) {
                return true;
            }
            OutputStream out;
            try {
                out = open(path);
            } catch (Throwable t) { // IOException, SecurityException: whatever it is, stderr still works
                file = null;
                close(old);
                System.err.println(format(null, Level.ERROR, "log.file-unusable", "file", path, "reason", reason(t, path),
                        "action", "logging to stderr"));
                return false;
            }
            file = new FileSink(path, out);
            close(old);
            return true;
        } finally {
            FileLock.FILE_LOCK.unlock();
        }
    }

    /** For tests: lines go to {@code out} as if it were the file {@code path} (e.g. {@code /dev/full}). */
    static void useStreamForTests(String path, OutputStream out) {
        FileLock.FILE_LOCK.lock();
        try {
            FileSink old = file;
            file = new FileSink(path, out);
            close(old);
        } finally {
            FileLock.FILE_LOCK.unlock();
        }
    }

    /**
     * Waits at most {@link #LOCK_WAIT_MILLIS} for the file, as {@code synchronized} did, ignoring interrupts (an
     * application thread being interrupted must still log to the file); its interrupt status is kept.
     */
    private static boolean lockFile() {
        if (FileLock.FILE_LOCK.tryLock()) {
            return true;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOCK_WAIT_MILLIS);
        boolean interrupted = false;
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    if (FileLock.FILE_LOCK.tryLock(left, TimeUnit.NANOSECONDS)) {
                        return true;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The file lines go to, or null for stderr. */
    public static String file() {
        FileSink f = file;
        return f == null ? null : f.path;
    }

    public static void debug(String event, Object... fields) {
        write(Level.DEBUG, event, fields);
    }

    public static void info(String event, Object... fields) {
        write(Level.INFO, event, fields);
    }

    public static void warn(String event, Object... fields) {
        write(Level.WARN, event, fields);
    }

    public static void error(String event, Object... fields) {
        write(Level.ERROR, event, fields);
    }

    /** Logs the event only the first time {@code key} is seen in this JVM (e.g. "unsupported version" per class). */
    public static void warnOnce(String key, String event, Object... fields) {
        if (Once.ONCE.add(key)) {
            write(Level.WARN, event, fields);
        }
    }

    private static void write(Level level, String event, Object... fields) {
        if (level.ordinal() < threshold.ordinal()) {
            return;
        }
        if (file != null && writeToFile(level, event, fields)) {
            return;
        }
        PrintStream err = System.err; // looked up each time: apps and test harnesses replace it
        err.println(format(null, level, event, fields));
    }

    /** @return false when the line must go to stderr instead (no file any more, or the write failed) */
    private static boolean writeToFile(Level level, String event, Object... fields) {
        if (!lockFile()) {
            Counters.increment(Counters.Counter.INTERNAL_ERRORS);
            return false;
        }
        try {
            FileSink f = file;
            if (f == null) {
                return false;
            }
            String ts = Timestamps.now();
            byte[] line = (format(ts, level, event, fields) + "\n").getBytes(StandardCharsets.UTF_8);
            try {
                f.out.write(line); // unbuffered: one write(2) per line
                return true;
            } catch (Throwable t) { // a full disk, a removed device: once on stderr, counted, then stderr for good
                file = null;
                close(f);
                Counters.increment(Counters.Counter.INTERNAL_ERRORS);
                System.err.println(format(null, Level.ERROR, "log.file-failed", "file", f.path, "reason",
                        reason(t, f.path), "action", "logging to stderr"));
                return false;
            }
        } finally {
            FileLock.FILE_LOCK.unlock();
        }
    }

    private static OutputStream open(String path) throws IOException {
        File f = new File(path);
        String notRegular = notRegular(f.toPath());
        if (notRegular != null) {
            throw new IOException(notRegular); // log.file must be a regular file or a path that does not exist yet
        }
        File parent = f.getAbsoluteFile().getParentFile();
        if (parent != null && !parent.isDirectory()) {
            throw new IOException("directory " + parent + " does not exist");
        }
        FileDescriptor std = standardStreamOf(f.toPath());
        if (std != null) {
            return new FileOutputStream(std) {
                @Override
                public void close() {
                    // the JVM's own stdout or stderr: never closed by Lifeline
                }
            };
        }
        return new FileOutputStream(f, true);
    }

    /**
     * The JVM's stdout or stderr descriptor when {@code p} is the same file (log.file=/dev/stdout, or the file the
     * JVM's output was redirected to), else null. Such a file is written through that descriptor, sharing its offset:
     * a second descriptor of its own (even in append mode) would leave the app's descriptor at its old offset, and
     * when the shell opened it without append ({@code > out.log}) the app's next write overwrites Lifeline's lines.
     */
    static FileDescriptor standardStreamOf(Path p) {
        String[] fds = {"/proc/self/fd/1", "/proc/self/fd/2"};
        for (int i = 0; i < fds.length; i++) {
            try {
                if (Files.isSameFile(p, java.nio.file.Paths.get(fds[i]))) {
                    return i == 0 ? FileDescriptor.out : FileDescriptor.err;
                }
            } catch (Throwable notHere) {
                // no /proc (not Linux), or p missing: a file of its own
            }
        }
        return null;
    }

    /**
     * What {@code p} is when it exists and is not a regular file (links followed), or null. Never opens it: opening a
     * FIFO blocks.
     */
    static String notRegular(Path p) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class);
        } catch (IOException missing) {
            return null; // nothing there (or a dangling link): opening creates a regular file
        }
        if (a.isRegularFile()) {
            return null;
        }
        if (a.isDirectory()) {
            return "is a directory";
        }
        try {
            int type = ((Integer) Files.getAttribute(p, "unix:mode")) & 0170000;
            switch (type) {
                case 0010000:
                    return "is a FIFO (named pipe)";
                case 0020000:
                    return "is a character device";
                case 0060000:
                    return "is a block device";
                case 0140000:
                    return "is a socket";
                default:
                    break;
            }
        } catch (Throwable ignored) {
            // no unix view: the generic wording below
        }
        return "is not a regular file (FIFO, socket or device)";
    }

    /** FileOutputStream says "PATH (Permission denied)": keep the part in parentheses, the path is logged anyway. */
    private static String reason(Throwable t, String path) {
        String m = t.getMessage();
        if (m == null) {
            return t.getClass().getName();
        }
        if (m.startsWith(path + " (") && m.endsWith(")")) {
            return m.substring(path.length() + 2, m.length() - 1);
        }
        return m;
    }

    private static void close(FileSink f) {
        if (f != null) {
            try {
                f.out.close();
            } catch (IOException ignored) {
                // nothing useful to do: the next line goes elsewhere anyway
            }
        }
    }

    static String format(Level level, String event, Object... fields) {
        return format(null, level, event, fields);
    }

    /** {@code ts}, when not null, goes right after the prefix: {@code [lifeline] ts=... level=... event=...}. */
    static String format(String ts, Level level, String event, Object... fields) {
        StringBuilder b = new StringBuilder(96).append("[lifeline] ");
        if (ts != null) {
            b.append("ts=").append(ts).append(' ');
        }
        b.append("level=").append(level.name().toLowerCase()).append(" event=").append(event);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            b.append(' ').append(fields[i]).append('=');
            appendValue(b, fields[i + 1]);
        }
        return b.toString();
    }

    static final int MAX_VALUE_CHARS = 2000;

    /**
     * A value as a log line shows it: escaped, and quoted when it needs to be. For everything else that prints what
     * Lifeline read from an application or a file (the CLI, the JMX text views): one escaping for all of them.
     */
    public static String value(Object value) {
        StringBuilder b = new StringBuilder();
        appendValue(b, value);
        return b.toString();
    }

    /** {@link #value}, always between double quotes (a thread name in a table). */
    public static String quoted(Object value) {
        String v = value(value);
        return v.startsWith("\"") ? v : "\"" + v + "\"";
    }

    /**
     * One line of text for a terminal or a multi-line view: every character {@link #value} escapes outside printable
     * ASCII ({@code \n}, controls, ESC, U+2028, ...) escaped the same way; spaces, quotes and backslashes kept.
     */
    public static String escapeLine(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        appendEscaped(b, s, false);
        return b.toString();
    }

    private static void appendValue(StringBuilder b, Object value) {
        String s = value instanceof Throwable ? describe((Throwable) value) : String.valueOf(value);
        if (s.length() > MAX_VALUE_CHARS) {
            // an adversarial input (a 1 MB variable name, a huge command) must not make a 1 MB log line
            s = s.substring(0, MAX_VALUE_CHARS) + "...(" + s.length() + " chars)";
        }
        boolean quote = s.isEmpty();
        for (int i = 0; i < s.length() && !quote; i++) {
            char c = s.charAt(i);
            quote = c <= ' ' || c > '~' || c == '"' || c == '=';
        }
        if (!quote) {
            b.append(s);
            return;
        }
        b.append('"');
        appendEscaped(b, s, true);
        b.append('"');
    }

    private static void appendEscaped(StringBuilder b, String s, boolean quotes) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quotes && (c == '"' || c == '\\')) {
                b.append('\\').append(c);
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\r') {
                b.append("\\r");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c < ' ' || c > '~') {
                // controls, DEL, C1, U+2028/U+2029 and every other non-ASCII character: a line splitter sees none
                b.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF])
                        .append(HEX[c & 0xF]);
            } else {
                b.append(c);
            }
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static String describe(Throwable t) {
        return t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
