package dev.lifeline.cli;

import dev.lifeline.report.Log;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code status PID}: what Lifeline in a running JVM reports about itself, read over the attach API and the target's
 * local management agent (a JMX connector reachable from this machine only; no port is opened). Exit 0 only when
 * Lifeline runs there and is active.
 *
 * <p>Every attribute is read on its own and may be missing: an older agent has fewer of them.
 */
final class Status {
    static final String AGENT = "lifeline:type=Agent";
    static final String RULES = "lifeline:type=Rule,name=*";

    private Status() {
    }

    static int run(final String pid, final PrintStream out, final PrintStream err) {
        if (!TargetJvm.isPid(pid)) {
            err.println("lifeline: PID must be a process id (digits), got: " + Log.value(pid));
            return Cli.USAGE;
        }
        return Bounded.run("status", pid, Bounded.millis(), () -> status(pid, out, err), err);
    }

    private static int status(String pid, PrintStream out, PrintStream err) {
        try (TargetJvm vm = TargetJvm.attach(pid);
             Reader reader = Reader.connect(vm.localJmxAddress())) {
            return report(pid, vm, reader, reader.read(), out);
        } catch (TargetJvm.Failure f) {
            return Bounded.failed(pid, f, err);
        }
    }

    /** How long after its registration delay an agent still counts as starting (a loaded machine, a slow start). */
    static final long STARTING_GRACE_MILLIS = 10_000;

    /**
     * What status prints and exits with for the snapshot {@code s} of {@code pid}. Without the MBean: a JVM where
     * Lifeline is loaded (its marker property) and still within its registration delay is {@code starting} (exit
     * {@link Cli#STARTING}); past it, or with JMX turned off, the reason it cannot report; else no Lifeline.
     */
    static int report(String pid, TargetJvm vm, Reader reader, Snapshot s, PrintStream out) throws TargetJvm.Failure {
        if (s.present) {
            s.print(pid, out);
            if (s.active() && s.unprotected() > 0) {
                out.println("NOT protected: " + s.unprotected() + " SSH library copies in " + pid + " (libraries above);"
                        + " Lifeline is active for the others");
            }
            if (s.active() && s.hookFailures() > 0) {
                out.println("NOT fully protected: " + s.hookFailures() + " hooks failed in " + pid + " (hook failures"
                        + " above): what they apply is missing where they failed");
            }
            return s.exitCode();
        }
        java.util.Properties props = vm.systemProperties();
        String loaded = props.getProperty(dev.lifeline.runtime.AgentState.LOADED_PROPERTY);
        if (loaded == null) {
            out.println("no Lifeline in JVM " + pid + ": it has no MBean " + AGENT + " and the agent was never loaded"
                    + " there (no -javaagent, no attach)");
            return Cli.INVALID;
        }
        if ("disabled".equals(loaded)) {
            out.println("Lifeline is loaded in JVM " + pid + " and disabled (its configuration is invalid or could not be"
                    + " read; the details once it reports, or in its log: config.invalid, agent.disabled)");
            return Cli.INVALID;
        }
        String jmxOff = vm.jmxDisabledBy(props);
        if (jmxOff != null) {
            out.println("Lifeline is loaded in JVM " + pid + " but runs with jmx.enabled=false (" + jmxOff + "): it"
                    + " reports nothing to status or attach; see its log (stderr or log.file)");
            return Cli.INVALID;
        }
        long delay = "agentmain".equals(loaded) ? 0 : dev.lifeline.jmx.JmxDelay.of(props);
        long uptime = reader.uptimeMillis();
        if (uptime >= 0 && uptime < delay + STARTING_GRACE_MILLIS) {
            out.println("Lifeline (loaded) in JVM " + pid);
            out.println("state:       starting (loaded; it starts at the first SSH class or " + delay / 1000 + " s after"
                    + " the JVM started, and reports from then on; the JVM is up " + uptime / 1000 + " s)");
            return Cli.STARTING;
        }
        out.println("Lifeline is loaded in JVM " + pid + " but reports no MBean " + AGENT + " " + (uptime / 1000)
                + " s after start: it runs with jmx.enabled=false (in its file or LIFELINE_JMX_ENABLED), or registering"
                + " failed (its log: jmx.register-failed)");
        return Cli.INVALID;
    }

    /** {@code sessions PID}: the agent's {@code Sessions} table, as it is. Exit 0 when it was read. */
    static int sessions(final String pid, final PrintStream out, final PrintStream err) {
        if (!TargetJvm.isPid(pid)) {
            err.println("lifeline: PID must be a process id (digits), got: " + Log.value(pid));
            return Cli.USAGE;
        }
        return Bounded.run("sessions", pid, Bounded.millis(), () -> sessionsTable(pid, out, err), err);
    }

    private static int sessionsTable(String pid, PrintStream out, PrintStream err) {
        Object table;
        try (TargetJvm vm = TargetJvm.attach(pid);
             Reader reader = Reader.connect(vm.localJmxAddress())) {
            table = reader.sessions();
        } catch (TargetJvm.Failure f) {
            return Bounded.failed(pid, f, err);
        }
        if (table == null) {
            out.println("no session table in JVM " + pid + ": it has no MBean " + AGENT + " with a Sessions attribute (the"
                    + " agent was never loaded, is older than this command, runs with jmx.enabled=false, or started less"
                    + " than 5 s ago)");
            return Cli.INVALID;
        }
        out.print(table);
        return Cli.OK;
    }

    /** One connection to a target's platform MBean server. */
    static final class Reader implements AutoCloseable {
        private final JMXConnector connector;
        private final MBeanServerConnection server;

        private Reader(JMXConnector connector, MBeanServerConnection server) {
            this.connector = connector;
            this.server = server;
        }

        static Reader connect(String address) throws TargetJvm.Failure {
            Bounded.step("connecting to the target's local JMX connector");
            try {
                JMXConnector c = JMXConnectorFactory.connect(new JMXServiceURL(address));
                return new Reader(c, c.getMBeanServerConnection());
            } catch (IOException | RuntimeException e) {
                throw new TargetJvm.Failure("cannot connect to the local JMX connector " + address + ": "
                        + TargetJvm.describe(e), true);
            }
        }

        Snapshot read() throws TargetJvm.Failure {
            Bounded.step("reading " + AGENT);
            try {
                ObjectName agent = new ObjectName(AGENT);
                if (!server.isRegistered(agent)) {
                    return Snapshot.ABSENT;
                }
                Snapshot s = new Snapshot(true);
                MBeanInfo info = server.getMBeanInfo(agent);
                for (MBeanAttributeInfo a : info.getAttributes()) {
                    Object v = readQuietly(agent, a.getName());
                    if (a.getType().equals("long") || a.getType().equals(Long.class.getName())) {
                        s.counters.put(a.getName(), v);
                    } else {
                        s.attributes.put(a.getName(), v);
                    }
                }
                Set<ObjectName> rules = server.queryNames(new ObjectName(RULES), null);
                List<ObjectName> sorted = new ArrayList<ObjectName>(rules);
                Collections.sort(sorted);
                for (ObjectName r : sorted) {
                    Object match = readQuietly(r, "Match");
                    Object settings = readQuietly(r, "Settings");
                    s.rules.put(r.getKeyProperty("name"), "match " + match + "\n" + (settings == null ? "" : settings));
                }
                return s;
            } catch (Exception e) {
                throw new TargetJvm.Failure("reading " + AGENT + " failed: " + TargetJvm.describe(e), true);
            }
        }

        /**
         * Only the named attributes, in one round trip: {@code status --all} needs the state and the libraries, not the
         * gauges (a thread dump per read) nor the session table.
         */
        Snapshot read(String... attributes) throws TargetJvm.Failure {
            Bounded.step("reading " + AGENT);
            try {
                ObjectName agent = new ObjectName(AGENT);
                if (!server.isRegistered(agent)) {
                    return Snapshot.ABSENT;
                }
                Snapshot s = new Snapshot(true);
                for (Object a : server.getAttributes(agent, attributes)) {
                    javax.management.Attribute attribute = (javax.management.Attribute) a;
                    s.attributes.put(attribute.getName(), attribute.getValue());
                }
                return s;
            } catch (Exception e) {
                throw new TargetJvm.Failure("reading " + AGENT + " failed: " + TargetJvm.describe(e), true);
            }
        }

        /** How long the target JVM runs, from its {@code java.lang:type=Runtime} MBean; -1 when it cannot be read. */
        long uptimeMillis() {
            try {
                Object v = server.getAttribute(new ObjectName("java.lang:type=Runtime"), "Uptime");
                return v instanceof Long ? (Long) v : -1;
            } catch (Exception e) {
                return -1;
            }
        }

        /** The Sessions attribute, or null when the agent or the attribute is missing. */
        Object sessions() throws TargetJvm.Failure {
            Bounded.step("reading the Sessions attribute of " + AGENT);
            try {
                ObjectName agent = new ObjectName(AGENT);
                return server.isRegistered(agent) ? readQuietly(agent, "Sessions") : null;
            } catch (Exception e) {
                throw new TargetJvm.Failure("reading " + AGENT + " failed: " + TargetJvm.describe(e), true);
            }
        }

        private Object readQuietly(ObjectName name, String attribute) {
            try {
                return server.getAttribute(name, attribute);
            } catch (Exception e) {
                return null;
            }
        }

        @Override
        public void close() {
            try {
                connector.close();
            } catch (IOException | RuntimeException ignored) {
                // the target went away
            }
        }
    }

    /** What the agent MBean said at one moment. */
    static final class Snapshot {
        static final Snapshot ABSENT = new Snapshot(false);

        final boolean present;
        final Map<String, Object> attributes = new LinkedHashMap<String, Object>();
        final Map<String, Object> counters = new LinkedHashMap<String, Object>();
        final Map<String, String> rules = new LinkedHashMap<String, String>();

        Snapshot(boolean present) {
            this.present = present;
        }

        String text(String attribute) {
            Object v = attributes.get(attribute);
            return v == null ? null : v.toString();
        }

        /** {@code active}, {@code disabled} or {@code off}; derived from Active and Mode for an agent without State. */
        String state() {
            String s = text("State");
            if (s != null && !s.isEmpty()) {
                return s;
            }
            if (Boolean.TRUE.equals(attributes.get("Active"))) {
                return "active";
            }
            return "off".equals(text("Mode")) ? "off" : "inactive";
        }

        /** SSH library copies the target loaded and left unprotected; 0 when it does not say. */
        int unprotected() {
            Object v = attributes.get("LibrariesUnprotected");
            return v instanceof Integer ? (Integer) v : 0;
        }

        /** Hooks that failed at run time in the target: a protection not applied. */
        int hookFailures() {
            String f = text("HookFailures");
            return f == null || f.trim().isEmpty() ? 0 : f.trim().split("\n").length;
        }

        /** The target loaded no SSH library Lifeline knows yet (an agent that reports its libraries). */
        boolean noLibraryYet() {
            String l = text("Libraries");
            return l != null && l.trim().isEmpty();
        }

        /** The exit status of status for this snapshot. */
        int exitCode() {
            return !active() ? Cli.INVALID : unprotected() > 0 || hookFailures() > 0 ? Cli.UNPROTECTED : Cli.OK;
        }

        boolean active() {
            return present && "active".equals(state())
                    && !Boolean.FALSE.equals(attributes.get("Active"));
        }

        String configFile() {
            String f = text("ConfigFile");
            return f == null ? "" : f;
        }

        void print(String pid, PrintStream out) {
            // one-line values are escaped here (a line break in them would add a line); TerminalText escapes the rest
            out.println("Lifeline " + one(orUnknown(text("Version"))) + " in JVM " + pid);
            String reason = text("StateReason");
            out.println("state:       " + one(state()) + (reason == null || reason.isEmpty() ? "" : " (" + one(reason) + ")")
                    + (text("State") == null ? "   [this agent reports no State: derived from Active and Mode]" : ""));
            out.println("mode:        " + one(orUnknown(text("Mode"))));
            out.println("file:        " + (configFile().isEmpty() ? "none" : Log.value(configFile())));
            String reload = text("LastReload");
            if (reload != null) {
                out.println("last reload: " + (reload.isEmpty() ? "none" : indent(reload, "             ")));
            }
            String errors = text("ConfigErrors");
            if (errors != null && !errors.trim().isEmpty()) {
                out.println("configuration errors:");
                out.print(lines(errors.trim(), "  "));
            }
            out.println("counters:");
            for (Map.Entry<String, Object> c : counters.entrySet()) {
                out.println("  " + pad(one(c.getKey()), 26) + " " + one(orUnknown(c.getValue())));
            }
            String libraries = text("Libraries");
            if (libraries != null) {
                out.println("libraries:   " + (libraries.trim().isEmpty()
                        ? "none loaded yet: no SSH library to protect yet (one loaded later is woven as it loads)"
                        : unprotected() > 0 ? unprotected() + " of them NOT protected" : "every copy loaded is checked"));
                if (!libraries.trim().isEmpty()) {
                    out.print(lines(libraries.trim(), "  "));
                }
            }
            String failures = text("HookFailures");
            if (failures != null && !failures.trim().isEmpty()) {
                out.println("hook failures (a protection that could not be applied; the log has one internal.error each):");
                out.print(lines(failures.trim(), "  "));
            }
            for (String n : new String[]{"PendingDeadlines", "WatchedExecChannels", "RuleCount", "SessionsOpenJsch",
                    "SessionsOpenSshd", "SessionsOpenSshj", "SessionsOpenTrilead", "SessionsOpenGanymed", "OldestIdleSeconds",
                    "ThreadsBlockedInSsh"}) {
                if (attributes.containsKey(n)) {
                    out.println("  " + pad(n, 26) + " " + one(orUnknown(attributes.get(n))));
                }
            }
            String effective = text("EffectiveConfiguration");
            if (effective != null) {
                out.println("effective settings:");
                out.print(lines(effective.trim(), "  "));
            }
            if (!rules.isEmpty()) {
                out.println("rules (" + RULES + "):");
                for (Map.Entry<String, String> r : rules.entrySet()) {
                    out.println("  " + one(r.getKey()) + ":");
                    out.print(lines(r.getValue().trim(), "    "));
                }
            }
        }

        private static String one(String s) {
            return Log.escapeLine(s);
        }

        private static String orUnknown(Object v) {
            return v == null ? "(not reported)" : v.toString();
        }

        /** Continuation lines of a multi-line value, aligned after its label. */
        private static String indent(String text, String prefix) {
            return text.replace("\n", "\n" + prefix);
        }

        /** Every line of text, each after prefix. */
        private static String lines(String text, String prefix) {
            StringBuilder b = new StringBuilder();
            for (String line : text.split("\n")) {
                b.append(prefix).append(line).append('\n');
            }
            return b.toString();
        }

        private static String pad(String s, int width) {
            StringBuilder b = new StringBuilder(s);
            while (b.length() < width) {
                b.append(' ');
            }
            return b.toString();
        }
    }
}
