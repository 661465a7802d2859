package dev.lifeline.hello;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;

/**
 * Loads one kind of SSH library copy, then stays alive (as {@link StayAlive}): {@code relocated} (JSch shaded into
 * {@code vendor.shaded.com.jcraft.jsch}), {@code isolated JAR} (JSch's Session in a loader whose parent is the platform
 * loader: it cannot see the agent), {@code none}.
 */
public final class LoadsSshCopies {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("relocated")) {
            Class.forName("vendor.shaded.com.jcraft.jsch.JSch");
        } else if (args[0].equals("isolated")) {
            URLClassLoader isolated = new URLClassLoader(new URL[]{Paths.get(args[1]).toUri().toURL()},
                    ClassLoader.getPlatformClassLoader());
            Class.forName("com.jcraft.jsch.Session", false, isolated);
        }
        StayAlive.main(new String[0]);
    }
}
