package dev.lifeline.config;

import dev.lifeline.report.Log;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The configuration file decides whether every JVM that reads it is protected ({@code mode=off} turns Lifeline off,
 * and it is re-read on change): one that its group or everyone may write is worth a warning. Not an error, since the
 * JVM's owner chose the file; the application runs either way.
 */
public final class FilePermissions {
    private FilePermissions() {
    }

    public static void warnIfOthersCanWrite(String file) {
        if (file == null) {
            return;
        }
        try {
            Path p = Paths.get(file);
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
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
