package dev.lifeline.config;

import dev.lifeline.report.AgentThreads;
import dev.lifeline.report.Counters;
import dev.lifeline.report.Log;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * Notices that the configuration file changed and calls back, on a daemon thread of its own ({@code lifeline-config}):
 * reading the file may block (a FIFO put in its place, a hung network file system), and that must hold up nothing
 * else: no deadline, no JMX call, no application thread.
 *
 * <p>A change is a different {@link Stamp}: type, modification time, size and, for a regular file of at most 1 MiB,
 * a CRC of its bytes (so an edit within one tick of a coarse clock is seen too). The baseline is taken <em>before</em>
 * the file is loaded, so an edit made while it loads is seen at the next poll. A change is acted on only once the file
 * has stopped changing: two stamps {@link #settleMillis(long) a short interval} apart must be equal, so an editor
 * writing in several steps is read once, complete. Editors that replace the file (write + rename) are seen too.
 */
public final class FileWatch {
    private static final long HASH_LIMIT = 1024 * 1024;

    private final Path file;
    private final long intervalMillis;
    private final Runnable onChange;
    private final Thread thread;
    private volatile boolean stopped;
    private Stamp baseline;

    private FileWatch(Path file, Stamp baseline, long intervalMillis, Runnable onChange) {
        this.file = file;
        this.baseline = baseline;
        this.intervalMillis = intervalMillis;
        this.onChange = onChange;
        this.thread = AgentThreads.daemon(new Runnable() { // a deferred start runs in an app call: keep nothing of it
            @Override
            public void run() {
                loop();
            }
        }, "lifeline-config");
    }

    /**
     * Watches {@code path} from {@code baseline}: a {@link #stamp} taken before the file was loaded, or
     * {@link #baselineAfter}.
     *
     * @return the running watch, or null when there is no file or the interval is 0
     */
    public static FileWatch start(String path, Stamp baseline, long intervalMillis, Runnable onChange) {
        if (path == null || path.isEmpty() || intervalMillis <= 0) {
            return null;
        }
        FileWatch w = new FileWatch(Paths.get(path), baseline == null ? stamp(path) : baseline, intervalMillis, onChange);
        w.thread.start();
        return w;
    }

    /** Ends the watch; a poll in progress (even one blocked reading the file) finishes without calling back. */
    public void stop() {
        stopped = true;
        if (Thread.currentThread() != thread) { // a reload on this very thread ends it once it returns
            thread.interrupt();
        }
    }

    public String path() {
        return file.toString();
    }

    public long intervalMillis() {
        return intervalMillis;
    }

    /** Half the poll interval, between 50 ms and 500 ms: how long a file must stay unchanged before it is read. */
    static long settleMillis(long intervalMillis) {
        return Math.max(50, Math.min(500, intervalMillis / 2));
    }

    private void loop() {
        while (!stopped) {
            try {
                TimeUnit.MILLISECONDS.sleep(intervalMillis);
                Stamp now = stamp(file);
                if (now.equals(baseline)) {
                    continue;
                }
                // wait until the file has stopped changing: two equal stamps one settle interval apart
                Stamp settled = now;
                while (!stopped) {
                    TimeUnit.MILLISECONDS.sleep(settleMillis(intervalMillis));
                    Stamp again = stamp(file);
                    if (again.equals(settled)) {
                        break;
                    }
                    settled = again;
                }
                if (stopped) {
                    return;
                }
                baseline = settled; // before loading: an edit made while it loads differs from it
                onChange.run();
            } catch (InterruptedException e) {
                return; // stop()
            } catch (Throwable t) {
                Counters.increment(Counters.Counter.INTERNAL_ERRORS);
                Log.warn("config.watch-failed", "file", file, "error", t, "action", "watching goes on");
            }
        }
    }

    /**
     * A baseline for watching the file {@code loaded} was read from, taken after loading it (start-up reads a regular
     * file first and stamps it later, off premain): the file as it is now when it still holds the bytes that were
     * parsed, else a stamp no file has, so the first poll reloads it. When no bytes were parsed (unreadable, too
     * large), the file as it is now.
     */
    public static Stamp baselineAfter(Config loaded) {
        Stamp now = stamp(loaded.file());
        if (loaded.fileCrc < 0 || (now.type == 'f' && now.crc == loaded.fileCrc)) {
            return now;
        }
        return Stamp.CHANGED;
    }

    public static Stamp stamp(String path) {
        return path == null || path.isEmpty() ? Stamp.NONE : stamp(Paths.get(path));
    }

    /** Never opens anything but a regular file: opening a FIFO would block. */
    static Stamp stamp(Path p) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class);
        } catch (Throwable missing) {
            return Stamp.NONE;
        }
        long crc = -1;
        if (a.isRegularFile() && a.size() <= HASH_LIMIT) {
            try {
                InputStream in = new FileInputStream(p.toFile()); // not Files.newInputStream: FileChannel is not in CDS
                try {
                    CRC32 c = new CRC32();
                    byte[] buf = new byte[8192];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        c.update(buf, 0, n);
                    }
                    crc = c.getValue();
                } finally {
                    in.close();
                }
            } catch (IOException unreadable) {
                crc = -2; // the loader will say why
            }
        }
        char type = a.isRegularFile() ? 'f' : a.isDirectory() ? 'd' : 'o';
        return new Stamp(type, a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.size(), crc);
    }

    /** What a change is measured against. */
    public static final class Stamp {
        static final Stamp NONE = new Stamp('-', 0, -1, -1);
        /** Equal to no file's stamp. */
        static final Stamp CHANGED = new Stamp('?', 0, -1, -1);
        final char type;
        final long modifiedNanos;
        final long size;
        final long crc;

        Stamp(char type, long modifiedNanos, long size, long crc) {
            this.type = type;
            this.modifiedNanos = modifiedNanos;
            this.size = size;
            this.crc = crc;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Stamp)) {
                return false;
            }
            Stamp s = (Stamp) o;
            return type == s.type && modifiedNanos == s.modifiedNanos && size == s.size && crc == s.crc;
        }

        @Override
        public int hashCode() {
            return (int) (modifiedNanos ^ size ^ crc) * 31 + type;
        }

        @Override
        public String toString() {
            return type + ":" + modifiedNanos + ":" + size + ":" + crc;
        }
    }
}
