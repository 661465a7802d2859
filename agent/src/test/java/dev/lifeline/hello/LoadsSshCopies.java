package dev.lifeline.hello;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;

/**
 * Loads one kind of SSH library copy, then stays alive (as {@link StayAlive}): {@code relocated} (JSch shaded into
 * {@code vendor.shaded.com.jcraft.jsch}), {@code renamed} (JSch relocated to {@code vendor.sshlib}), {@code isolated JAR} (JSch's Session in a loader whose parent is the platform
 * loader and that refuses every Lifeline class: it cannot see the agent or its bridge), {@code connect} (a JSch connect to a closed port, JSch on the class path), {@code none}.
 */
public final class LoadsSshCopies {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("relocated")) {
            Class.forName("vendor.shaded.com.jcraft.jsch.JSch");
        } else if (args[0].equals("renamed")) { // JSch relocated to vendor.sshlib: only the class names show it
            Class.forName("vendor.sshlib.JSch");
        } else if (args[0].equals("isolated")) {
            // refuses every dev.lifeline.* class (the bootstrap bridge too), as a framework that delegates none of it:
            // a plain platform-parent loader is now reached through the bridge (IsolatedLoaderTest)
            URLClassLoader isolated = new URLClassLoader(new URL[]{Paths.get(args[1]).toUri().toURL()},
                    ClassLoader.getPlatformClassLoader()) {
                @Override
                protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                    if (name.startsWith("dev.lifeline.")) {
                        throw new ClassNotFoundException(name);
                    }
                    return super.loadClass(name, resolve);
                }
            };
            Class.forName("com.jcraft.jsch.Session", false, isolated);
        } else if (args[0].equals("connect")) { // JSch on the class path: a connect to a closed port runs its hooks
            Connect.closedPort();
        }
        StayAlive.main(new String[0]);
    }

    /** Apart from main: verifying main must not need JSch's classes, which the other modes leave off the class path. */
    private static final class Connect {
        static void closedPort() {
            try {
                new com.jcraft.jsch.JSch().getSession("u", "127.0.0.1", 1).connect(2000);
            } catch (com.jcraft.jsch.JSchException expected) {
                System.out.println("connect failed as expected");
            }
        }
    }
}
