package dev.lifeline.samples;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the topology tours ({@link JschTour}, {@link MinaTour}, {@link SshjTour}) share, with the JDK only, so that a
 * tour and this class can be copied into a webapp or a module as they are. A tour takes
 * {@code HOST PORT USER IDENTITY [SILENT_HOST:]SILENT_PORT [COMMAND]}: it connects to SILENT_PORT (a listener that never
 * sends a byte; on SILENT_HOST when given, else on HOST, so that a host rule can give the silent connect a deadline of
 * its own) with no timeout of its own, reports how that ended ({@code silent_connect}, {@code silent_connect_ms}), then opens a
 * session to HOST:PORT; with COMMAND it runs it there first on an exec channel, with no timeout of its own, until the
 * channel closes ({@link #exec}); then it opens a shell on the same session, prints {@code READY idle} and reads the
 * shell until it ends ({@code idle_ms}): the test lists the session with {@code sessions PID} and then cuts the peer.
 */
public final class TourSupport {
    private TourSupport() {
    }

    /** The fields every tour reports first: which loader defined the tour and which the library. */
    public static Map<String, String> fields(Class<?> tour, Class<?> library) {
        Map<String, String> out = new LinkedHashMap<String, String>();
        out.put("tour_loader", loaderName(tour.getClassLoader()));
        out.put("loader", loaderName(library.getClassLoader()));
        out.put("module", moduleName(library));
        return out;
    }

    /** The library's named module ({@code com.jcraft.jsch} from the module path), {@code unnamed}, or {@code none} before Java 9. */
    static String moduleName(Class<?> library) {
        try {
            Object module = Class.class.getMethod("getModule").invoke(library);
            Object name = module.getClass().getMethod("getName").invoke(module);
            return name == null ? "unnamed" : name.toString();
        } catch (Exception e) {
            return "none";
        }
    }

    /**
     * How the tour's exec ended: {@code exec_ms} since {@code startNanos}, {@code exec_exit} as the library reports it
     * ({@code -1} or {@code null} when no exit status came), and {@code exec_status}: {@code ok} only for exit 0.
     */
    public static void exec(Map<String, String> out, long startNanos, String exit) {
        out.put("exec_ms", String.valueOf((System.nanoTime() - startNanos) / 1000000L));
        out.put("exec_exit", exit);
        out.put("exec_status", "0".equals(exit) ? "ok" : "failed");
    }

    /** The silent listener's host: SILENT_HOST of {@code [SILENT_HOST:]SILENT_PORT}, else {@code host}. */
    public static String silentHost(String host, String silent) {
        int colon = silent.lastIndexOf(':');
        return colon < 0 ? host : silent.substring(0, colon);
    }

    /** The silent listener's port of {@code [SILENT_HOST:]SILENT_PORT}. */
    public static int silentPort(String silent) {
        return Integer.parseInt(silent.substring(silent.lastIndexOf(':') + 1));
    }

    public static void ready(String what) {
        System.out.println("READY " + what);
        System.out.flush();
    }

    public static String loaderName(ClassLoader loader) {
        return loader == null ? "bootstrap" : loader.getClass().getName();
    }
}
