package dev.lifeline.samples;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 23: one library's topology tour ({@link TourSupport}) with the library loaded where a fleet's apps load it.
 *
 * <pre>
 * HOST PORT USER IDENTITY SILENT_PORT jsch|mina|sshj|trilead SCENARIO [COMMAND [OTHER_COMMAND]]   (trilead: Ssh2Tour, either copy of the family)
 *   here      the tour from this class's own loader (a JBoss module whose dependency holds the library)
 *   isolated  a URLClassLoader over the sample classes and -Dsample.libJars with the platform loader as parent
 *   two       two copies of the library at once, each in a URLClassLoader over the sample classes and its own jars
 *             (-Dsample.libJars, -Dsample.otherLibJars) with the platform loader as parent: each runs the tour on a
 *             thread of its own (COMMAND, then OTHER_COMMAND, one for each); fields prefixed one_ and two_
 *   osgi      the OSGi framework on the class path, started with its defaults, -Dsample.libJars installed and started
 *             as bundles; the tour is defined by a loader whose parent is the loader of the library's bundle
 * </pre>
 *
 * COMMAND, when given, is run on the tour's session before its shell ({@link TourSupport}).
 */
public final class TopologyApps {
    private TopologyApps() {
    }

    public static void main(String[] args) {
        Target t = Target.parse(args, 3, "SILENT_PORT jsch|mina|sshj|trilead here|isolated|osgi");
        String lib = t.rest[1];
        String scenario = t.rest[2];
        String tour = "dev.lifeline.samples." + ("jsch".equals(lib) ? "JschTour" : "mina".equals(lib) ? "MinaTour"
                : "trilead".equals(lib) ? "Ssh2Tour" : "SshjTour");
        String[] tourArgs = t.rest.length > 3 ? new String[]{t.host, String.valueOf(t.port), t.user, t.identity, t.rest[0], t.rest[3]}
                : new String[]{t.host, String.valueOf(t.port), t.user, t.identity, t.rest[0]};
        Result result = new Result("TopologyApps").with("lib", lib).with("scenario", scenario);
        try {
            if ("here".equals(scenario)) {
                report(result, tour(TopologyApps.class.getClassLoader(), tour, tourArgs));
            } else if ("isolated".equals(scenario)) {
                List<URL> urls = new ArrayList<URL>();
                urls.add(TopologyApps.class.getProtectionDomain().getCodeSource().getLocation());
                urls.addAll(libJars());
                report(result, tour(new URLClassLoader(urls.toArray(new URL[0]), platformLoader()), tour, tourArgs));
            } else if ("two".equals(scenario)) {
                two(result, tour, tourArgs, t.rest[4]);
            } else if ("osgi".equals(scenario)) {
                osgi(result, tour, tourArgs);
            } else {
                throw new IllegalArgumentException("unknown scenario " + scenario);
            }
            result.finish("ok");
        } catch (Throwable e) {
            result.fail(e instanceof InvocationTargetException ? e.getCause() : e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> tour(ClassLoader loader, String tour, String[] args) throws Exception {
        return (Map<String, String>) Class.forName(tour, true, loader).getMethod("run", String[].class).invoke(null, (Object) args);
    }

    private static void report(Result result, Map<String, String> fields) {
        for (Map.Entry<String, String> e : fields.entrySet()) {
            result.with(e.getKey(), e.getValue());
        }
    }

    /** The "two" scenario: two copies, two tours at the same time; the second copy's tour runs {@code otherCommand}. */
    private static void two(Result result, final String tour, String[] args, String otherCommand) throws Exception {
        String[] otherArgs = args.clone();
        otherArgs[5] = otherCommand;
        final List<Map<String, String>> fields = new ArrayList<Map<String, String>>();
        final List<Throwable> failures = new ArrayList<Throwable>();
        List<Thread> threads = new ArrayList<Thread>();
        String[][] both = {args, otherArgs};
        String[] jars = {System.getProperty("sample.libJars"), System.getProperty("sample.otherLibJars")};
        for (int i = 0; i < 2; i++) {
            List<URL> urls = new ArrayList<URL>();
            urls.add(TopologyApps.class.getProtectionDomain().getCodeSource().getLocation());
            urls.addAll(jarUrls(jars[i]));
            final ClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), platformLoader());
            final String[] a = both[i];
            fields.add(null);
            failures.add(null);
            final int n = i;
            Thread thread = new Thread("tour-" + (i + 1)) {
                @Override
                public void run() {
                    try {
                        fields.set(n, tour(loader, tour, a));
                    } catch (Throwable e) {
                        failures.set(n, e instanceof InvocationTargetException ? e.getCause() : e);
                    }
                }
            };
            threads.add(thread);
            thread.start();
        }
        for (int i = 0; i < 2; i++) {
            threads.get(i).join();
            if (failures.get(i) != null) {
                throw new IllegalStateException("tour " + (i + 1) + " failed: " + failures.get(i), failures.get(i));
            }
            String prefix = i == 0 ? "one_" : "two_";
            result.with(prefix + "jars", new File(jars[i].split(File.pathSeparator)[0]).getName());
            for (Map.Entry<String, String> e : fields.get(i).entrySet()) {
                result.with(prefix + e.getKey(), e.getValue());
            }
        }
    }

    /** As {@code ClassLoaderApps}'s osgi scenario; the first jar's bundle holds the library's classes. */
    private static void osgi(Result result, String tour, String[] args) throws Exception {
        Class<?> factoryType = Class.forName("org.osgi.framework.launch.FrameworkFactory");
        Object factory = java.util.ServiceLoader.load(factoryType).iterator().next();
        Map<String, String> config = new HashMap<String, String>();
        File storage = java.nio.file.Files.createTempDirectory("lifeline-osgi").toFile();
        config.put("org.osgi.framework.storage", storage.getPath());
        config.put("org.osgi.framework.storage.clean", "onFirstInit");
        Object framework = factoryType.getMethod("newFramework", Map.class).invoke(factory, config);
        Class<?> bundleType = Class.forName("org.osgi.framework.Bundle");
        bundleType.getMethod("start").invoke(framework);
        try {
            Object context = bundleType.getMethod("getBundleContext").invoke(framework);
            List<Object> bundles = new ArrayList<Object>();
            for (URL jar : libJars()) {
                bundles.add(Class.forName("org.osgi.framework.BundleContext").getMethod("installBundle", String.class)
                        .invoke(context, jar.toString()));
            }
            for (Object b : bundles) {
                bundleType.getMethod("start").invoke(b);
            }
            ClassLoader loader = ((Class<?>) bundleType.getMethod("loadClass", String.class)
                    .invoke(bundles.get(0), System.getProperty("sample.libClass"))).getClassLoader();
            result.with("framework", framework.getClass().getName());
            report(result, tour(new TourLoader(loader), tour, args));
        } finally {
            bundleType.getMethod("stop").invoke(framework);
            Class.forName("org.osgi.framework.launch.Framework").getMethod("waitForStop", long.class).invoke(framework, 10000L);
        }
    }

    /** Defines the tour classes itself (from this class's loader's resources); everything else from the bundle's loader. */
    static final class TourLoader extends ClassLoader {
        TourLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected synchronized Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.endsWith("Tour") && !name.startsWith("dev.lifeline.samples.TourSupport")) {
                return super.loadClass(name, resolve);
            }
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                try {
                    InputStream in = TopologyApps.class.getClassLoader().getResourceAsStream(name.replace('.', '/') + ".class");
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    byte[] buf = new byte[8192];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        bytes.write(buf, 0, n);
                    }
                    in.close();
                    c = defineClass(name, bytes.toByteArray(), 0, bytes.size());
                } catch (java.io.IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
            return c;
        }
    }

    private static List<URL> libJars() throws Exception {
        return jarUrls(System.getProperty("sample.libJars"));
    }

    private static List<URL> jarUrls(String jars) throws Exception {
        if (jars == null || jars.isEmpty()) {
            throw new IllegalArgumentException("-Dsample.libJars=JAR[" + File.pathSeparator + "JAR...] is needed");
        }
        List<URL> urls = new ArrayList<URL>();
        for (String j : jars.split(File.pathSeparator)) {
            urls.add(new File(j).toURI().toURL());
        }
        return urls;
    }

    private static ClassLoader platformLoader() {
        try {
            return (ClassLoader) ClassLoader.class.getMethod("getPlatformClassLoader").invoke(null);
        } catch (Exception e) {
            return null;
        }
    }
}
