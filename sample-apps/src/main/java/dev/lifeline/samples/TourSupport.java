package dev.lifeline.samples;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the topology tours ({@link JschTour}, {@link MinaTour}, {@link SshjTour}) share, with the JDK only, so that a
 * tour and this class can be copied into a webapp or a module as they are. A tour takes
 * {@code HOST PORT USER IDENTITY SILENT_PORT}: it connects to SILENT_PORT (a listener that never sends a byte) with no
 * timeout of its own, reports how that ended ({@code silent_connect}, {@code silent_connect_ms}), then opens a session
 * with a shell to HOST:PORT, prints {@code READY idle} and reads the shell until it ends ({@code idle_ms}): the test
 * lists the session with {@code sessions PID} and then cuts the peer.
 */
public final class TourSupport {
    private TourSupport() {
    }

    /** The fields every tour reports first: which loader defined the tour and which the library. */
    public static Map<String, String> fields(Class<?> tour, Class<?> library) {
        Map<String, String> out = new LinkedHashMap<String, String>();
        out.put("tour_loader", loaderName(tour.getClassLoader()));
        out.put("loader", loaderName(library.getClassLoader()));
        return out;
    }

    public static void ready(String what) {
        System.out.println("READY " + what);
        System.out.flush();
    }

    public static String loaderName(ClassLoader loader) {
        return loader == null ? "bootstrap" : loader.getClass().getName();
    }
}
