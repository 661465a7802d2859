package dev.lifeline.config;

import dev.lifeline.enforce.DeadlineScheduler;

import java.io.File;

/**
 * Notices that the configuration file changed (modification time or size) and calls back; polled on the shared
 * deadline thread, so watching costs no thread of its own. Editors that replace the file (write + rename) are seen too.
 */
public final class FileWatch {
    private final File file;
    private long lastModified;
    private long length;

    private FileWatch(File file) {
        this.file = file;
        this.lastModified = file.lastModified();
        this.length = file.length();
    }

    /** @return the running watch, or null when there is no file or the interval is 0 */
    public static DeadlineScheduler.Deadline start(String path, long intervalMillis, final Runnable onChange) {
        if (path == null || path.isEmpty() || intervalMillis <= 0) {
            return null;
        }
        final FileWatch w = new FileWatch(new File(path));
        return DeadlineScheduler.every("config.watch", intervalMillis, new Runnable() {
            @Override
            public void run() {
                if (w.changed()) {
                    onChange.run();
                }
            }
        });
    }

    synchronized boolean changed() {
        long m = file.lastModified();
        long l = file.length();
        if (m == lastModified && l == length) {
            return false;
        }
        lastModified = m;
        length = l;
        return true;
    }
}
