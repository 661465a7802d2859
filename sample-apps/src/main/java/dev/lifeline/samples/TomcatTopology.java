package dev.lifeline.samples;

import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.ref.WeakReference;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;

/**
 * Issue 23: an embedded Tomcat 11 serving one webapp whose SSH library is in its own {@code WEB-INF/lib} (the webapp
 * class loader, child-first); a request makes the webapp run the topology tour ({@link TourServlet}). Then the webapp
 * is undeployed and the webapp's class loader must be collected: nothing (Lifeline included) may keep it.
 *
 * <pre>
 * HOST PORT USER IDENTITY SILENT_PORT jsch|mina|sshj LIB_JAR[:LIB_JAR...] [COMMAND]
 * </pre>
 *
 * COMMAND, when given, is run on the tour's session before its shell ({@link TourSupport}).
 *
 * Fields: the tour's, then {@code webapp_loader}, {@code providers_removed} (see {@link #removeProvidersOf}),
 * {@code loader_collected} (within {@code gc_ms}, at most 10 s of
 * {@code System.gc()}).
 */
public final class TomcatTopology {
    private static final String[] WEBAPP_CLASSES = {"TourServlet", "TourSupport", "JschTour", "MinaTour", "SshjTour"};

    private TomcatTopology() {
    }

    public static void main(String[] args) {
        Target t = Target.parse(args, 3, "SILENT_PORT jsch|mina|sshj LIB_JAR[:LIB_JAR...]");
        Result result = new Result("TomcatTopology").with("lib", t.rest[1]);
        try {
            Path base = Files.createTempDirectory("lifeline-tomcat");
            Path webapp = webapp(base.resolve("webapp"), t.rest[2]);
            Tomcat tomcat = new Tomcat();
            tomcat.setBaseDir(base.resolve("work").toString());
            tomcat.setPort(0);
            tomcat.getConnector();
            Context context = tomcat.addContext("/app", webapp.toString());
            Tomcat.addServlet(context, "tour", "dev.lifeline.samples.TourServlet");
            context.addServletMappingDecoded("/tour", "tour");
            tomcat.start();
            String tourArgs = t.host + " " + t.port + " " + t.user + " " + t.identity + " " + t.rest[0];
            URL url = new URL("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/app/tour?lib=" + t.rest[1]
                    + "&args=" + URLEncoder.encode(tourArgs, "UTF-8")
                    + (t.rest.length > 3 ? "&exec=" + URLEncoder.encode(t.rest[3], "UTF-8") : ""));
            HttpURLConnection http = (HttpURLConnection) url.openConnection();
            InputStream body = http.getInputStream();
            BufferedReader lines = new BufferedReader(new InputStreamReader(body, "UTF-8"));
            for (String line; (line = lines.readLine()) != null; ) {
                int eq = line.indexOf('=');
                result.with(line.substring(0, eq), line.substring(eq + 1));
            }
            lines.close();
            http.disconnect();
            WeakReference<ClassLoader> loader = new WeakReference<ClassLoader>(context.getLoader().getClassLoader());
            result.with("webapp_loader", loader.get().getClass().getName());
            result.with("providers_removed", removeProvidersOf(loader.get()));
            tomcat.getHost().removeChild(context); // undeploy: stops and destroys the context
            context = null;
            long t0 = System.nanoTime();
            while (loader.get() != null && System.nanoTime() - t0 < 10_000_000_000L) {
                System.gc();
                Thread.sleep(100);
            }
            result.with("loader_collected", loader.get() == null).with("gc_ms", (System.nanoTime() - t0) / 1_000_000L);
            if (loader.get() != null) {
                result.with("webapp_threads", threadsOf(loader.get()));
            }
            if (loader.get() != null && System.getProperty("sample.heapDump") != null) { // by hand: what keeps it (live objects)
                Object bean = java.lang.management.ManagementFactory.newPlatformMXBeanProxy(
                        java.lang.management.ManagementFactory.getPlatformMBeanServer(), "com.sun.management:type=HotSpotDiagnostic",
                        Class.forName("com.sun.management.HotSpotDiagnosticMXBean"));
                bean.getClass().getMethod("dumpHeap", String.class, boolean.class).invoke(bean, System.getProperty("sample.heapDump"), true);
            }
            tomcat.stop();
            tomcat.destroy();
            result.finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }

    /**
     * Removes the security providers the webapp registered JVM-wide, as a webapp must when it stops: sshj registers
     * Bouncy Castle from its own jars ({@code SecurityUtils}), which would keep the webapp's loader whatever else
     * lets go of it. Answers their names, or {@code none}.
     */
    private static String removeProvidersOf(ClassLoader webapp) {
        StringBuilder removed = new StringBuilder();
        for (java.security.Provider p : java.security.Security.getProviders()) {
            if (p.getClass().getClassLoader() == webapp) {
                java.security.Security.removeProvider(p.getName());
                removed.append(removed.length() == 0 ? "" : ",").append(p.getName());
            }
        }
        return removed.length() == 0 ? "none" : removed.toString();
    }

    /** Live threads whose class or context class loader is {@code webapp}: one thing that keeps a loader. */
    private static String threadsOf(ClassLoader webapp) {
        StringBuilder b = new StringBuilder();
        for (Thread th : Thread.getAllStackTraces().keySet()) {
            if (th.getClass().getClassLoader() == webapp || th.getContextClassLoader() == webapp) {
                b.append(b.length() == 0 ? "" : ",").append(th.getName().replace(' ', '_'));
            }
        }
        return b.length() == 0 ? "none" : b.toString();
    }

    /** DIR/WEB-INF/classes with the tour's classes (copied from this class's loader), DIR/WEB-INF/lib with the jars. */
    private static Path webapp(Path dir, String jars) throws Exception {
        Path classes = Files.createDirectories(dir.resolve("WEB-INF/classes/dev/lifeline/samples"));
        for (String c : WEBAPP_CLASSES) {
            InputStream in = TomcatTopology.class.getResourceAsStream(c + ".class");
            Files.copy(in, classes.resolve(c + ".class"));
            in.close();
        }
        Path lib = Files.createDirectories(dir.resolve("WEB-INF/lib"));
        for (String j : jars.split(File.pathSeparator)) {
            Path jar = Paths.get(j);
            Files.copy(jar, lib.resolve(jar.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }
}
