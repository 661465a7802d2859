package dev.lifeline.samples;

/** The one machine-readable line every sample prints at the end: {@code RESULT app=... status=... elapsed_ms=...}. */
final class Result {
    private final String app;
    private final long startNanos = System.nanoTime();
    private final StringBuilder fields = new StringBuilder();
    private String phase;
    private long phaseStartNanos;

    Result(String app) {
        this.app = app;
    }

    Result with(String key, Object value) {
        fields.append(' ').append(key).append('=').append(quote(String.valueOf(value)));
        return this;
    }

    /**
     * CPU time of the whole process (every thread: the app's, the library's reader threads, the agent's), in
     * microseconds; -1 where the JVM does not say. On a shared machine it varies less than wall time.
     */
    static long processCpuMicros() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            long nanos = ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
            return nanos < 0 ? -1 : nanos / 1000L;
        }
        return -1;
    }

    /** The process's peak resident set size in KiB ({@code VmHWM} of /proc/self/status), or -1 where there is none. */
    static long peakRssKb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").trim());
                }
            }
        } catch (Exception | Error e) {
            // not Linux: no figure
        }
        return -1;
    }

    long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1_000_000L;
    }

    /** Prints the line and exits: 0 for ok, 1 for anything else. */
    void finish(String status) {
        // -Dsample.counters=true: Lifeline's own counters, as the JMX view would show them
        long elapsed = elapsedMillis();
        if (Boolean.getBoolean("sample.counters")) {
            AgentProbe.awaitThreadsChecked();
        }
        String counters = Boolean.getBoolean("sample.counters") ? AgentProbe.counters() : "";
        if (Boolean.getBoolean("sample.footprint")) {
            // benchmark row 2: the process's CPU so far and its peak resident set (VmHWM), at the end of main
            fields.append(" cpu_ms=").append(processCpuMicros() / 1000L).append(" peak_rss_kb=").append(peakRssKb());
        }
        System.out.println("RESULT app=" + app + " status=" + status + " elapsed_ms=" + elapsed + fields + counters);
        System.out.flush();
        System.exit("ok".equals(status) ? 0 : 1);
    }

    /** Marks the start of a step ("connect"); a failure then reports how long it spent in it as {@code connect_ms}. */
    void phase(String name) {
        phase = name;
        phaseStartNanos = System.nanoTime();
    }

    /** Adds {@code <phase>_ms}: how long the current step took, for a step that ended normally. */
    Result endPhase() {
        if (phase != null) {
            with(phase + "_ms", (System.nanoTime() - phaseStartNanos) / 1_000_000L);
            phase = null;
        }
        return this;
    }

    void fail(Throwable t) {
        if (phase != null) {
            with(phase + "_ms", (System.nanoTime() - phaseStartNanos) / 1_000_000L);
        }
        with("error", t.getClass().getName() + ": " + t.getMessage());
        finish("error");
    }

    static void ready(String what) {
        System.out.println("READY " + what);
        System.out.flush();
    }

    private static String quote(String s) {
        boolean plain = !s.isEmpty();
        for (int i = 0; i < s.length() && plain; i++) {
            char c = s.charAt(i);
            plain = c > ' ' && c != '"';
        }
        return plain ? s : '"' + s.replace("\\", "\\\\").replace("\"", "'").replace("\n", "\\n").replace("\r", "") + '"';
    }
}
