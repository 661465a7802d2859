package dev.lifeline.config;

import java.io.File;
import java.nio.file.Files;

/**
 * What a configuration path that is no regular file is, for its error: missing, a directory, or a special file.
 * Opening a FIFO for reading blocks until a writer comes (JVM start-up would wait forever) and {@code /dev/zero} never
 * ends, so neither is opened.
 */
final class NotARegularFile {
    private static final String ACCEPTED = "; accepted: " + ConfigFile.FILE_ACCEPTED;

    private NotARegularFile() {
    }

    /** The error for {@code f}, or null when it is a regular file after all (it appeared since the first stat). */
    static ConfigError error(File f, Origin whole, String path) {
        if (!f.exists()) {
            return new ConfigError(whole, "file", path, "no such file" + ACCEPTED);
        }
        if (f.isDirectory()) {
            return new ConfigError(whole, "file", path, "is a directory" + ACCEPTED);
        }
        if (!Files.isRegularFile(f.toPath())) {
            return new ConfigError(whole, "file", path, "is " + fileKind(f) + ", not a regular file" + ACCEPTED);
        }
        return null;
    }

    /** "a FIFO (named pipe)", "a character device"... */
    static String fileKind(File f) {
        try {
            int mode = (Integer) Files.getAttribute(f.toPath(), "unix:mode");
            switch (mode & 0170000) {
                case 0010000:
                    return "a FIFO (named pipe)";
                case 0020000:
                    return "a character device";
                case 0060000:
                    return "a block device";
                case 0140000:
                    return "a socket";
                default:
                    return "a special file";
            }
        } catch (Throwable t) {
            return "a special file"; // no "unix" attribute view on this platform
        }
    }
}
