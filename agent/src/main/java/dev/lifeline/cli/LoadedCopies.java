package dev.lifeline.cli;

import dev.lifeline.instrument.InstrumentationModule;
import dev.lifeline.instrument.LibraryVersion;
import dev.lifeline.runtime.Libraries;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The SSH library copies a JVM loaded, read without loading anything into it: {@code jcmd PID VM.class_hierarchy}
 * (over the attach connection) lists every loaded class with its class loader. It runs once at a safepoint, a short
 * pause like a thread dump's, and changes nothing; {@code GC.class_histogram} would force a full GC, so it is not used.
 * A copy is one library package in one class loader; a relocated copy is the library's package inside another one
 * ({@code vendor.shaded.com.jcraft.jsch}), as the agent recognises it. Versions come from the jars the JVM holds open.
 */
final class LoadedCopies {
    /** One library package as loaded: by how many class loaders, from which jar version(s). */
    static final class Copy {
        final String library;
        final String pkg;
        final boolean relocated;
        final Set<String> loaders = new LinkedHashSet<String>();
        final Set<String> versions = new LinkedHashSet<String>();

        Copy(String library, String pkg, boolean relocated) {
            this.library = library;
            this.pkg = pkg;
            this.relocated = relocated;
        }

        String version() {
            return versions.isEmpty() ? LibraryVersion.UNKNOWN : String.join(",", versions);
        }
    }

    /** At most this many open files are looked at for versions (a JVM with thousands of jars open). */
    private static final int MAX_JARS = 2000;

    private LoadedCopies() {
    }

    /** The copies {@code vm} loaded, by package, in the order first seen. */
    static Map<String, Copy> read(TargetJvm vm) throws TargetJvm.Failure {
        final List<String[]> modules = new ArrayList<String[]>();
        for (InstrumentationModule m : Libraries.all()) {
            modules.add(new String[]{m.name(), m.packagePrefix().replace('/', '.')});
        }
        final Map<String, Copy> copies = new LinkedHashMap<String, Copy>();
        final String[] first = {null};
        final boolean[] root = {false};
        vm.jcmd("VM.class_hierarchy", line -> {
            if (first[0] == null) {
                first[0] = line;
            }
            root[0] |= line.startsWith("java.lang.Object/");
            classLine(line, modules, copies);
        });
        if (!root[0]) {
            // a JDK 8 target prints its error as the output ("Unknown diagnostic command") instead of failing
            throw new TargetJvm.Failure("jcmd VM.class_hierarchy gave no class list: "
                    + (first[0] == null ? "no output" : first[0]), true);
        }
        return copies;
    }

    /**
     * One line of the listing: {@code |  |--com.jcraft.jsch.JSch/0x00007f...}, the class and the address of its loader
     * ({@code /null}: the boot loader), then {@code (intf)} for an interface.
     */
    static void classLine(String line, List<String[]> modules, Map<String, Copy> copies) {
        int start = 0;
        while (start < line.length() && (line.charAt(start) == '|' || line.charAt(start) == '-' || line.charAt(start) == ' ')) {
            start++;
        }
        int end = line.indexOf(' ', start);
        String entry = line.substring(start, end < 0 ? line.length() : end);
        int slash = entry.indexOf('/');
        if (slash < 0) {
            return;
        }
        // a hidden class (a lambda) has its own address in its name: Session$$Lambda$1/0x7f01/0x7f02; the loader is last
        String name = entry.substring(0, slash);
        String loader = entry.substring(entry.lastIndexOf('/') + 1);
        for (String[] m : modules) {
            String prefix = m[1];
            int at = name.startsWith(prefix) ? 0 : name.indexOf("." + prefix);
            if (at < 0) {
                continue;
            }
            String pkg = at == 0 ? prefix.substring(0, prefix.length() - 1) : name.substring(0, at + prefix.length());
            Copy c = copies.get(pkg);
            if (c == null) {
                c = new Copy(m[0], pkg, at != 0);
                copies.put(pkg, c);
            }
            c.loaders.add(loader);
            return;
        }
    }

    /**
     * The version of each copy from the jars {@code pid} holds open ({@code /proc/PID/fd}) that contain its package:
     * the jar's file name, as the agent names a version. Read through the open descriptor: a jar replaced or deleted
     * since still shows what the JVM loaded. A copy found in no open jar (a fat jar's nested jar, a directory) stays
     * "unknown".
     */
    static void versions(String pid, Map<String, Copy> copies) {
        File[] fds = new File("/proc/" + pid + "/fd").listFiles();
        if (fds == null || copies.isEmpty()) {
            return;
        }
        int looked = 0;
        for (File fd : fds) {
            if (looked >= MAX_JARS) {
                return;
            }
            String target;
            try {
                target = java.nio.file.Files.readSymbolicLink(fd.toPath()).toString();
                if (target.endsWith(" (deleted)")) { // replaced or removed since: the descriptor still reads the old jar
                    target = target.substring(0, target.length() - " (deleted)".length());
                }
            } catch (IOException | RuntimeException e) {
                continue;
            }
            if (!target.endsWith(".jar")) {
                continue;
            }
            looked++;
            try (ZipFile jar = new ZipFile(fd)) {
                for (Copy c : copies.values()) {
                    if (contains(jar, c.pkg.replace('.', '/') + '/')) {
                        c.versions.add(LibraryVersion.fromPath(target));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // not a zip, or gone: no version from it
            }
        }
    }

    private static boolean contains(ZipFile jar, String dir) {
        if (jar.getEntry(dir) != null) {
            return true;
        }
        for (Enumeration<? extends ZipEntry> e = jar.entries(); e.hasMoreElements(); ) {
            if (e.nextElement().getName().startsWith(dir)) {
                return true;
            }
        }
        return false;
    }
}
