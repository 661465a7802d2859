package dev.lifeline.cli;

import dev.lifeline.report.Log;

import java.io.PrintStream;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * How {@code status --all} prints its reports: a table for people, one JVM a line, the verdict first so
 * {@code grep ^UNPROTECTED} finds the JVMs to look at; or JSON for fleet tooling. Both are printable ASCII: what
 * comes from a JVM (its command, a file name, the agent's lines) is escaped as the log escapes it, in JSON as
 * {@code \}{@code uXXXX}.
 */
final class HostStatusOutput {
    private HostStatusOutput() {
    }

    static void text(List<JvmReport> reports, long bound, long elapsed, int othersSkipped, int exit, PrintStream out) {
        out.println("lifeline status --all: " + count(reports.size(), "JVM") + " this user can attach to, read at once"
                + " within " + Bounded.seconds(bound) + " (took " + elapsed + " ms); nothing was loaded into them");
        if (!reports.isEmpty()) {
            out.println(pad("VERDICT", 12) + " " + pad("PID", 8) + " " + pad("MAIN", 40) + " " + pad("LIFELINE", 44)
                    + " SSH LIBRARIES");
        }
        for (JvmReport r : reports) {
            out.println(pad(r.verdict().text, 12) + " " + pad(r.pid, 8) + " "
                    + pad(Log.escapeLine(r.main.isEmpty() ? "?" : r.main), 40) + " " + pad(lifeline(r), 44) + " " + libraries(r));
        }
        Map<JvmReport.Verdict, Integer> counts = counts(reports);
        StringBuilder b = new StringBuilder();
        for (JvmReport.Verdict v : JvmReport.Verdict.values()) {
            b.append(b.length() == 0 ? "" : ", ").append(counts.get(v)).append(' ').append(v.text);
        }
        out.println(b + (othersSkipped > 0 ? "; " + count(othersSkipped, "JVM") + " of other users not read (run as"
                + " that user)" : "") + "; exit " + exit);
    }

    static void json(List<JvmReport> reports, long bound, long elapsed, int othersSkipped, int exit, PrintStream out) {
        StringBuilder b = new StringBuilder("{\"command\":\"status --all\",\"boundMillis\":").append(bound)
                .append(",\"elapsedMillis\":").append(elapsed).append(",\"exit\":").append(exit)
                .append(",\"otherUsersSkipped\":").append(othersSkipped).append(",\"counts\":{");
        Map<JvmReport.Verdict, Integer> counts = counts(reports);
        boolean first = true;
        for (JvmReport.Verdict v : JvmReport.Verdict.values()) {
            b.append(first ? "" : ",").append(string(v.json())).append(':').append(counts.get(v));
            first = false;
        }
        b.append("},\"jvms\":[");
        out.println(b);
        for (int i = 0; i < reports.size(); i++) {
            out.println(jvm(reports.get(i)) + (i + 1 < reports.size() ? "," : ""));
        }
        out.println("]}");
    }

    private static String jvm(JvmReport r) {
        StringBuilder b = new StringBuilder("{\"pid\":").append(r.pid).append(",\"main\":").append(string(r.main))
                .append(",\"verdict\":").append(string(r.verdict().json()))
                .append(",\"problem\":").append(string(r.problem != null ? r.problem : r.classListProblem));
        if (r.lifeline == null) {
            b.append(",\"lifeline\":null,\"libraries\":null}");
            return b.toString();
        }
        b.append(",\"lifeline\":{\"state\":").append(string(r.lifeline)).append(",\"mode\":").append(string(r.mode))
                .append(",\"file\":").append(string(r.file)).append(",\"version\":").append(string(r.version))
                .append(",\"hookFailures\":").append(r.hookFailures).append("},\"libraries\":");
        if (r.copies == null && r.lifelineLibraries == null) {
            return b.append("null}").toString();
        }
        b.append('[');
        boolean first = true;
        for (JvmReport.Library l : r.libraries()) {
            b.append(first ? "" : ",").append("{\"name\":").append(string(l.name)).append(",\"version\":")
                    .append(string(l.version)).append(",\"package\":").append(string(l.pkg)).append(",\"loaders\":")
                    .append(l.copies).append(",\"protected\":").append(l.protectedFlag).append(",\"detail\":")
                    .append(string(l.detail)).append('}');
            first = false;
        }
        return b.append("]}").toString();
    }

    private static String lifeline(JvmReport r) {
        if (r.lifeline == null) {
            return "-";
        }
        switch (r.lifeline) {
            case "none":
                return "none";
            case "silent":
                return "loaded, reports nothing (jmx.enabled=false)";
            case "starting":
                return "starting (loaded, not started yet)";
            case "disabled":
                return "disabled (configuration rejected)";
            default:
                return Log.escapeLine(r.lifeline) + (r.mode == null ? "" : " mode=" + Log.escapeLine(r.mode))
                        + " file=" + (r.file == null || r.file.isEmpty() ? "none" : Log.value(r.file));
        }
    }

    private static String libraries(JvmReport r) {
        if (r.lifeline == null) {
            return Log.escapeLine(r.problem);
        }
        if (r.copies == null && r.lifelineLibraries == null) {
            return "unknown: " + Log.escapeLine(String.valueOf(r.classListProblem));
        }
        List<JvmReport.Library> libs = r.libraries();
        if (libs.isEmpty()) {
            return "none loaded";
        }
        StringBuilder b = new StringBuilder();
        for (JvmReport.Library l : libs) {
            b.append(b.length() == 0 ? "" : "; ").append(Log.escapeLine(l.name)).append(' ').append(Log.escapeLine(l.version))
                    .append(l.copies > 1 ? " (" + l.copies + " class loaders)" : "");
            if (Boolean.TRUE.equals(l.protectedFlag)) {
                b.append(": protected");
            } else {
                b.append(l.protectedFlag == null ? ": unknown (" : ": NOT protected (").append(Log.escapeLine(l.detail))
                        .append(')');
            }
        }
        if (r.hookFailures > 0) {
            b.append("; ").append(count(r.hookFailures, "hook")).append(" failed (status ").append(r.pid)
                    .append(" lists them)");
        }
        return b.toString();
    }

    private static Map<JvmReport.Verdict, Integer> counts(List<JvmReport> reports) {
        Map<JvmReport.Verdict, Integer> counts = new EnumMap<JvmReport.Verdict, Integer>(JvmReport.Verdict.class);
        for (JvmReport.Verdict v : JvmReport.Verdict.values()) {
            counts.put(v, 0);
        }
        for (JvmReport r : reports) {
            counts.put(r.verdict(), counts.get(r.verdict()) + 1);
        }
        return counts;
    }

    /** A JSON string of printable ASCII: quotes, backslashes and every other character escaped; null as null. */
    static String string(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < ' ' || c > '~') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static String pad(String s, int width) {
        StringBuilder b = new StringBuilder(s);
        while (b.length() < width) {
            b.append(' ');
        }
        return b.toString();
    }
}
