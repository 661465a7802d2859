package dev.lifeline.samples;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 8: an unchanged JSch app whose JSch sits in a class loader other than the class path's. JSch is driven by
 * reflection through the loader the scenario names, the way a plugin host, an app server or a launcher would reach a
 * library it loaded itself. Each run connects, reports the session's {@code ServerAliveInterval} right after
 * {@code connect()}, runs COMMAND polling {@code isClosed()} like JSch's examples, and reports how long that took.
 *
 * <pre>
 * HOST PORT USER IDENTITY COMMAND SCENARIO
 *   own        JSch from the loader that loaded this class (class path; a Spring Boot LaunchedClassLoader)
 *   child      JSch from a URLClassLoader over -Dsample.jschJars, parent = system loader
 *   siblings   two URLClassLoaders over the same jars, parent = system loader, both run at once (fields a_*, b_*)
 *   isolated   a URLClassLoader over the jars with the platform loader as parent: Lifeline is not visible from it
 *   strict     the same, refusing every dev.lifeline.* class (as a framework that delegates nothing of it would)
 *   bytebuddy  like own, and the app uses its own ByteBuddy (on its class path) before and after
 *   osgi       the OSGi framework on the class path (Equinox, Felix) started with its defaults, -Dsample.jschJars
 *              installed as a bundle, JSch driven through the bundle's class loader
 * </pre>
 *
 * Status {@code ok} means the app ran to its end without an exception; {@code exit} is the command's exit status
 * (-1 when the channel closed without one, as under an exec deadline).
 */
public final class ClassLoaderApps {
    private ClassLoaderApps() {
    }

    public static void main(String[] args) {
        Target t = Target.parse(args, 2, "COMMAND own|child|siblings|isolated|strict|bytebuddy|osgi");
        String command = t.rest[0];
        String scenario = t.rest[1];
        Result result = new Result("ClassLoaderApps");
        result.with("scenario", scenario);
        try {
            ClassLoader own = ClassLoaderApps.class.getClassLoader();
            if ("own".equals(scenario)) {
                report(result, "", run(own, t, command));
            } else if ("child".equals(scenario)) {
                report(result, "", run(new URLClassLoader(jschJars(), ClassLoader.getSystemClassLoader()), t, command));
            } else if ("isolated".equals(scenario)) {
                URLClassLoader isolated = new URLClassLoader(jschJars(), platformLoader());
                result.with("lifeline_visible", canSee(isolated, "dev.lifeline.jsch.JschHooks"));
                report(result, "", run(isolated, t, command));
            } else if ("strict".equals(scenario)) {
                ClassLoader strict = new StrictLoader(jschJars(), platformLoader());
                result.with("lifeline_visible", canSee(strict, "dev.lifeline.jsch.JschHooks"));
                report(result, "", run(strict, t, command));
            } else if ("osgi".equals(scenario)) {
                osgi(result, t, command);
            } else if ("siblings".equals(scenario)) {
                siblings(result, t, command);
            } else if ("bytebuddy".equals(scenario)) {
                result.with("before", makeClassWithAppByteBuddy(own, "dev.lifeline.samples.MadeBefore"));
                report(result, "", run(own, t, command));
                result.with("after", makeClassWithAppByteBuddy(own, "dev.lifeline.samples.MadeAfter"));
                Class<?> bb = Class.forName("net.bytebuddy.ByteBuddy", false, own);
                result.with("app_bytebuddy", jarName(bb)).with("app_bytebuddy_loader", loaderName(bb.getClassLoader()));
                // Lifeline's own ByteBuddy (its ASM) is relocated: beside the app's, never instead of it
                result.with("lifeline_bytebuddy", canSee(ClassLoader.getSystemClassLoader(), "dev.lifeline.shaded.bytebuddy.jar.asm.ClassReader"));
            } else {
                throw new IllegalArgumentException("unknown scenario " + scenario);
            }
            result.finish("ok");
        } catch (Throwable e) {
            result.fail(e instanceof InvocationTargetException ? e.getCause() : e);
        }
    }

    private static void siblings(Result result, final Target t, final String command) throws Exception {
        final ClassLoader[] loaders = {new URLClassLoader(jschJars(), ClassLoader.getSystemClassLoader()),
                new URLClassLoader(jschJars(), ClassLoader.getSystemClassLoader())};
        final List<Map<String, String>> runs = new ArrayList<Map<String, String>>();
        final Throwable[] failed = new Throwable[2];
        Thread[] threads = new Thread[2];
        for (int i = 0; i < 2; i++) {
            runs.add(null);
            final int n = i;
            threads[i] = new Thread(new Runnable() {
                @Override
                public void run() {
                    try {
                        Map<String, String> r = ClassLoaderApps.run(loaders[n], t, command);
                        synchronized (runs) {
                            runs.set(n, r);
                        }
                    } catch (Throwable e) {
                        failed[n] = e instanceof InvocationTargetException ? e.getCause() : e;
                    }
                }
            }, "sibling-" + (char) ('a' + i));
            threads[i].start();
        }
        for (Thread th : threads) {
            th.join();
        }
        for (Throwable f : failed) {
            if (f != null) {
                throw new Exception(f);
            }
        }
        report(result, "a_", runs.get(0));
        report(result, "b_", runs.get(1));
        result.with("distinct_classes", Class.forName("com.jcraft.jsch.Session", false, loaders[0])
                != Class.forName("com.jcraft.jsch.Session", false, loaders[1]));
    }

    /**
     * The framework found through {@code FrameworkFactory} (META-INF/services), started with nothing configured but
     * its storage, the JSch jar installed and started as a bundle; reached by reflection, as this module compiles
     * without the OSGi API.
     */
    private static void osgi(Result result, Target t, String command) throws Exception {
        Class<?> factoryType = Class.forName("org.osgi.framework.launch.FrameworkFactory");
        Object factory = java.util.ServiceLoader.load(factoryType).iterator().next();
        Map<String, String> config = new java.util.HashMap<String, String>();
        File storage = java.nio.file.Files.createTempDirectory("lifeline-osgi").toFile();
        config.put("org.osgi.framework.storage", storage.getPath());
        config.put("org.osgi.framework.storage.clean", "onFirstInit");
        Object framework = factoryType.getMethod("newFramework", Map.class).invoke(factory, config);
        Class<?> bundleType = Class.forName("org.osgi.framework.Bundle");
        bundleType.getMethod("start").invoke(framework);
        try {
            Object context = bundleType.getMethod("getBundleContext").invoke(framework);
            Object bundle = Class.forName("org.osgi.framework.BundleContext").getMethod("installBundle", String.class)
                    .invoke(context, jschJars()[0].toString());
            bundleType.getMethod("start").invoke(bundle);
            ClassLoader loader = ((Class<?>) bundleType.getMethod("loadClass", String.class)
                    .invoke(bundle, "com.jcraft.jsch.JSch")).getClassLoader();
            result.with("framework", framework.getClass().getName());
            result.with("lifeline_visible", canSee(loader, "dev.lifeline.jsch.JschHooks"));
            report(result, "", run(loader, t, command));
            result.with("bridge_visible", canSee(loader, "dev.lifeline.bridge.JschHooks"));
        } finally {
            bundleType.getMethod("stop").invoke(framework);
            Class.forName("org.osgi.framework.launch.Framework").getMethod("waitForStop", long.class).invoke(framework, 10000L);
        }
    }

    /** Refuses every Lifeline class, its bootstrap bridge too: woven calls could not link from here. */
    static final class StrictLoader extends URLClassLoader {
        StrictLoader(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("dev.lifeline.")) {
                throw new ClassNotFoundException(name);
            }
            return super.loadClass(name, resolve);
        }
    }

    private static void report(Result result, String prefix, Map<String, String> run) {
        for (Map.Entry<String, String> e : run.entrySet()) {
            result.with(prefix + e.getKey(), e.getValue());
        }
    }

    /** One session and one exec, all through {@code loader}'s JSch; no timeout and no keepalive of the app's own. */
    static Map<String, String> run(ClassLoader loader, Target t, String command) throws Exception {
        Map<String, String> out = new LinkedHashMap<String, String>();
        Class<?> jschClass = Class.forName("com.jcraft.jsch.JSch", true, loader);
        out.put("loader", loaderName(jschClass.getClassLoader()));
        Object jsch = jschClass.getConstructor().newInstance();
        jschClass.getMethod("addIdentity", String.class).invoke(jsch, t.identity);
        Object session = jschClass.getMethod("getSession", String.class, String.class, int.class)
                .invoke(jsch, t.user, t.host, t.port);
        Class<?> sessionClass = Class.forName("com.jcraft.jsch.Session", false, loader);
        sessionClass.getMethod("setConfig", String.class, String.class).invoke(session, "StrictHostKeyChecking", "no");
        sessionClass.getMethod("connect").invoke(session);
        out.put("interval", String.valueOf(sessionClass.getMethod("getServerAliveInterval").invoke(session)));
        Object channel = sessionClass.getMethod("openChannel", String.class).invoke(session, "exec");
        Class<?> execClass = Class.forName("com.jcraft.jsch.ChannelExec", false, loader);
        Class<?> channelClass = Class.forName("com.jcraft.jsch.Channel", false, loader);
        execClass.getMethod("setCommand", String.class).invoke(channel, command);
        InputStream in = (InputStream) channelClass.getMethod("getInputStream").invoke(channel);
        channelClass.getMethod("connect").invoke(channel);
        long start = System.nanoTime();
        Method isClosed = channelClass.getMethod("isClosed");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (true) {
            while (in.available() > 0) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                text.write(buf, 0, n);
            }
            if ((Boolean) isClosed.invoke(channel)) {
                if (in.available() > 0) {
                    continue;
                }
                break;
            }
            Thread.sleep(50);
        }
        out.put("exec_ms", String.valueOf((System.nanoTime() - start) / 1000000L));
        out.put("exit", String.valueOf(channelClass.getMethod("getExitStatus").invoke(channel)));
        out.put("out", text.toString("UTF-8").trim());
        channelClass.getMethod("disconnect").invoke(channel);
        sessionClass.getMethod("disconnect").invoke(session);
        return out;
    }

    /** Something trivial with the app's own ByteBuddy: a subclass of Object, named, made, loaded and instantiated. */
    private static String makeClassWithAppByteBuddy(ClassLoader own, String name) throws Exception {
        Class<?> byteBuddy = Class.forName("net.bytebuddy.ByteBuddy", true, own);
        Class<?> builder = Class.forName("net.bytebuddy.dynamic.DynamicType$Builder", false, own);
        Class<?> unloaded = Class.forName("net.bytebuddy.dynamic.DynamicType$Unloaded", false, own);
        Class<?> loaded = Class.forName("net.bytebuddy.dynamic.DynamicType$Loaded", false, own);
        Object b = byteBuddy.getMethod("subclass", Class.class).invoke(byteBuddy.getConstructor().newInstance(), Object.class);
        b = builder.getMethod("name", String.class).invoke(b, name);
        Object u = builder.getMethod("make").invoke(b);
        Object l = unloaded.getMethod("load", ClassLoader.class).invoke(u, own);
        Class<?> made = (Class<?>) loaded.getMethod("getLoaded").invoke(l);
        return made.getConstructor().newInstance().getClass().getName();
    }

    private static URL[] jschJars() throws Exception {
        String jars = System.getProperty("sample.jschJars");
        if (jars == null || jars.isEmpty()) {
            throw new IllegalArgumentException("-Dsample.jschJars=JAR[" + File.pathSeparator + "JAR...] is needed");
        }
        List<URL> urls = new ArrayList<URL>();
        for (String j : jars.split(File.pathSeparator)) {
            urls.add(new File(j).toURI().toURL());
        }
        return urls.toArray(new URL[0]);
    }

    /** The platform loader (Java 9+) by reflection, as this class compiles for 8; null (bootstrap) on 8. */
    private static ClassLoader platformLoader() {
        try {
            return (ClassLoader) ClassLoader.class.getMethod("getPlatformClassLoader").invoke(null);
        } catch (Exception e) {
            return null;
        }
    }

    private static boolean canSee(ClassLoader loader, String className) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    private static String jarName(Class<?> c) {
        String path = c.getProtectionDomain().getCodeSource().getLocation().getPath();
        return path.substring(path.lastIndexOf('/', path.length() - 2) + 1);
    }

    private static String loaderName(ClassLoader loader) {
        return loader == null ? "bootstrap" : loader.getClass().getName();
    }
}
