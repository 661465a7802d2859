package dev.lifeline.samples;

import java.io.File;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 23: an SSH library's bundles in an OSGi framework set up as {@code -Dsample.osgi=KEY=VALUE,...} says (an
 * operator's settings), no network: the framework on the class path installs and starts {@code -Dsample.libJars}
 * (the library's bundle first), and the app makes a client of {@code -Dsample.libClass} from the first bundle
 * ({@code setUpDefaultClient()} if the class has it, as MINA's {@code SshClient}; else its no-argument constructor),
 * which loads the library's classes Lifeline weaves. Reports the loader and the client's class.
 */
public final class OsgiBundleLoad {
    private OsgiBundleLoad() {
    }

    public static void main(String[] args) {
        Result result = new Result("OsgiBundleLoad");
        try {
            run(result);
            result.finish("ok");
        } catch (Throwable e) {
            result.fail(e instanceof java.lang.reflect.InvocationTargetException ? e.getCause() : e);
        }
    }

    private static void run(Result result) throws Exception {
        Class<?> factoryType = Class.forName("org.osgi.framework.launch.FrameworkFactory");
        Object factory = java.util.ServiceLoader.load(factoryType).iterator().next();
        Map<String, String> config = new HashMap<String, String>();
        File storage = java.nio.file.Files.createTempDirectory("lifeline-osgi").toFile();
        config.put("org.osgi.framework.storage", storage.getPath());
        config.put("org.osgi.framework.storage.clean", "onFirstInit");
        String settings = System.getProperty("sample.osgi", "");
        for (String kv : settings.split(",")) {
            if (kv.contains("=")) {
                config.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
            }
        }
        Object framework = factoryType.getMethod("newFramework", Map.class).invoke(factory, config);
        Class<?> bundleType = Class.forName("org.osgi.framework.Bundle");
        bundleType.getMethod("start").invoke(framework);
        try {
            Object context = bundleType.getMethod("getBundleContext").invoke(framework);
            List<Object> bundles = new ArrayList<Object>();
            for (String jar : System.getProperty("sample.libJars").split(File.pathSeparator)) {
                bundles.add(Class.forName("org.osgi.framework.BundleContext").getMethod("installBundle", String.class)
                        .invoke(context, new File(jar).toURI().toString()));
            }
            for (Object b : bundles) {
                bundleType.getMethod("start").invoke(b);
            }
            Class<?> lib = (Class<?>) bundleType.getMethod("loadClass", String.class).invoke(bundles.get(0), System.getProperty("sample.libClass"));
            Object client;
            try {
                Method setUp = lib.getMethod("setUpDefaultClient");
                client = setUp.invoke(null);
            } catch (NoSuchMethodException e) {
                client = lib.getConstructor().newInstance();
            }
            result.with("framework", framework.getClass().getName()).with("settings", settings)
                    .with("loader", TourSupport.loaderName(lib.getClassLoader())).with("client", client.getClass().getName());
        } finally {
            bundleType.getMethod("stop").invoke(framework);
            Class.forName("org.osgi.framework.launch.Framework").getMethod("waitForStop", long.class).invoke(framework, 10000L);
        }
    }
}
