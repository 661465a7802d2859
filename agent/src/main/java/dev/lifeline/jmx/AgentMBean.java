package dev.lifeline.jmx;

import dev.lifeline.report.Counters;
import dev.lifeline.config.Config;
import dev.lifeline.config.HostRule;
import dev.lifeline.config.Key;
import dev.lifeline.report.Counters.Counter;
import dev.lifeline.instrument.WovenLibraries;
import dev.lifeline.sessions.FoundAtAttach;
import dev.lifeline.sessions.SshSessions;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.ReflectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code lifeline:type=Agent}: every {@link Counters} counter, the active configuration, and (only with
 * {@code jmx.writable=true}) the operations {@code reload()} and {@code setMode(String)}. A DynamicMBean so that a
 * counter added to {@link Counter} appears here without further code; JDK types only.
 */
public final class AgentMBean implements DynamicMBean {
    public static final String OBJECT_NAME = "lifeline:type=Agent";

    /** What the MBean reads and, when writable, changes: the agent's runtime. */
    public interface Runtime {
        Config config();

        /** Whether instrumentation is installed and the global mode is not off. */
        boolean active();

        String version();

        int pendingDeadlines();

        int watchedExecChannels();

        /** Re-read the configuration; the result says what happened (a rejected file lists its errors). */
        String reload();

        String setMode(String mode);

        /** {@code active}, {@code off} or {@code disabled}. */
        default String state() {
            return active() ? "active" : "off";
        }

        /** Why the agent is disabled; empty when it is not. */
        default String stateReason() {
            return "";
        }

        /** The errors of the configuration that left the agent disabled, one per line; empty when none. */
        default String configErrors() {
            return "";
        }

        /** ISO time and result ({@code ok: ...} or {@code rejected: ...}) of the last reload, attach or setMode. */
        default String lastReload() {
            return "";
        }

        /** Whether a valid configuration was ever applied (false: {@link #config()} shows only defaults). */
        default boolean configured() {
            return true;
        }

        /** The configuration file given, even when it was invalid; empty when none. */
        default String configFile() {
            String f = config().file();
            return f == null ? "" : f;
        }
    }

    /** Libraries with a SessionsOpen gauge (the names their modules register sessions under). */
    static final String[] LIBRARIES = {"jsch", "sshd", "sshj", "trilead", "ganymed"};

    static String openAttribute(String lib) {
        return "SessionsOpen" + Character.toUpperCase(lib.charAt(0)) + lib.substring(1);
    }

    private final Runtime runtime;
    private final boolean writable;
    private final MBeanInfo info;

    public AgentMBean(Runtime runtime, boolean writable) {
        this.runtime = runtime;
        this.writable = writable;
        this.info = buildInfo(writable);
    }

    private static MBeanInfo buildInfo(boolean writable) {
        List<MBeanAttributeInfo> attrs = new ArrayList<MBeanAttributeInfo>();
        for (Counter c : Counter.values()) {
            attrs.add(attr(c.attribute, "long", "counter " + c.name() + ", since the JVM started"));
        }
        attrs.add(attr("State", String.class.getName(), "active, off (mode off) or disabled (see StateReason)"));
        attrs.add(attr("StateReason", String.class.getName(), "why the agent is disabled; empty when it is not"));
        attrs.add(attr("ConfigErrors", String.class.getName(),
                "the errors that keep the agent disabled, one per line; empty when none"));
        attrs.add(attr("LastReload", String.class.getName(),
                "ISO time and result (ok: ... or rejected: ...) of the last reload, attach or setMode; empty if none"));
        attrs.add(attr("Mode", String.class.getName(), "global mode: fill, enforce, audit or off (off when disabled)"));
        attrs.add(attr("Active", "boolean", "instrumentation installed and global mode not off"));
        attrs.add(attr("ConfigFile", String.class.getName(),
                "the configuration file (also when it is invalid), empty when none"));
        attrs.add(attr("RuleCount", "int", "host rules in the active configuration"));
        attrs.add(attr("Version", String.class.getName(), "Lifeline version"));
        attrs.add(attr("EffectiveConfiguration", String.class.getName(),
                "every global value and rule entry, one 'key=value (source)' per line"));
        attrs.add(attr("PendingDeadlines", "int", "exec, close and connect deadlines queued now"));
        attrs.add(attr("WatchedExecChannels", "int", "exec channels under an exec deadline now"));
        for (String lib : LIBRARIES) {
            attrs.add(attr(openAttribute(lib), "int", "gauge: " + lib + " sessions open now"));
        }
        attrs.add(attr("OldestIdleSeconds", "int",
                "gauge: the longest time since the peer's last packet over the open sessions, in seconds (0: none)"));
        attrs.add(attr("ThreadsBlockedInSsh", "int",
                "gauge: application threads blocked in an SSH library call now (a thread dump per read)"));
        attrs.add(attr("Libraries", String.class.getName(), "each SSH library copy the JVM loaded (name, version,"
                + " package, class loader) and whether it is woven, one per line; empty when none"));
        attrs.add(attr("LibrariesUnprotected", "int", "SSH library copies loaded and not protected (left unchanged,"
                + " relocated)"));
        attrs.add(attr("HookFailures", String.class.getName(), "hooks that failed at run time, each with its first"
                + " error (a protection that could not be applied), one per line; empty when none"));
        attrs.add(attr("FoundAtAttach", String.class.getName(), "the sessions the last attach found already open, per"
                + " library: how many, how many were brought under protection, and each one that could not be and why"));
        attrs.add(attr("Sessions", String.class.getName(),
                "open sessions, their channels and deadlines, and the threads blocked on them: the sessions command's table"));
        MBeanOperationInfo[] ops = writable ? new MBeanOperationInfo[]{
                new MBeanOperationInfo("reload", "re-read the configuration; a file with errors is rejected whole",
                        new MBeanParameterInfo[0], String.class.getName(), MBeanOperationInfo.ACTION),
                new MBeanOperationInfo("setMode", "change the global mode until the next reload",
                        new MBeanParameterInfo[]{new MBeanParameterInfo("mode", String.class.getName(),
                                "fill, enforce, audit or off")}, String.class.getName(), MBeanOperationInfo.ACTION)
        } : new MBeanOperationInfo[0];
        return new MBeanInfo(AgentMBean.class.getName(), "Lifeline agent: counters and active configuration",
                attrs.toArray(new MBeanAttributeInfo[0]), null, ops, null);
    }

    private static MBeanAttributeInfo attr(String name, String type, String description) {
        return new MBeanAttributeInfo(name, type, description, true, false, false);
    }

    @Override
    public Object getAttribute(String name) throws AttributeNotFoundException {
        for (Counter c : Counter.values()) {
            if (c.attribute.equals(name)) {
                return c.get();
            }
        }
        Config c = runtime.config();
        if (name.equals("State")) {
            return runtime.state();
        }
        if (name.equals("StateReason")) {
            return runtime.stateReason();
        }
        if (name.equals("ConfigErrors")) {
            return runtime.configErrors();
        }
        if (name.equals("LastReload")) {
            return runtime.lastReload();
        }
        if (name.equals("Mode")) {
            return runtime.configured() ? c.mode().label() : "off";
        }
        if (name.equals("Active")) {
            return runtime.active();
        }
        if (name.equals("ConfigFile")) {
            return runtime.configFile();
        }
        if (name.equals("RuleCount")) {
            return runtime.configured() ? c.ruleCount() : 0;
        }
        if (name.equals("Version")) {
            return runtime.version();
        }
        if (name.equals("EffectiveConfiguration")) {
            return runtime.configured() ? effectiveConfiguration(c) : "";
        }
        if (name.equals("PendingDeadlines")) {
            return runtime.pendingDeadlines();
        }
        if (name.equals("WatchedExecChannels")) {
            return runtime.watchedExecChannels();
        }
        for (String lib : LIBRARIES) {
            if (name.equals(openAttribute(lib))) {
                return SshSessions.open(lib);
            }
        }
        if (name.equals("OldestIdleSeconds")) {
            return (int) Math.min(Integer.MAX_VALUE, SshSessions.oldestIdleMillis() / 1000);
        }
        if (name.equals("ThreadsBlockedInSsh")) {
            return SshSessions.threadsBlocked();
        }
        if (name.equals("Libraries")) {
            StringBuilder b = new StringBuilder();
            for (String line : WovenLibraries.lines()) {
                b.append(dev.lifeline.report.Log.escapeLine(line)).append('\n');
            }
            return b.toString();
        }
        if (name.equals("HookFailures")) {
            StringBuilder b = new StringBuilder();
            for (String line : dev.lifeline.report.Faults.failedHooks()) {
                b.append(dev.lifeline.report.Log.escapeLine(line)).append('\n');
            }
            return b.toString();
        }
        if (name.equals("LibrariesUnprotected")) {
            return WovenLibraries.unprotected();
        }
        if (name.equals("Sessions")) {
            return SshSessions.table();
        }
        if (name.equals("FoundAtAttach")) {
            return FoundAtAttach.text();
        }
        throw new AttributeNotFoundException(name);
    }

    /** One {@code key=value (source)} per line: global keys in {@link Key} order, then each rule in file order. */
    public static String effectiveConfiguration(Config c) {
        StringBuilder b = new StringBuilder();
        for (Key k : Key.all().values()) {
            // escaped: a value or file path with a line break in it cannot add a line to the view
            b.append(k.name).append('=').append(escapeLine(c.globalValue(k.name))).append(" (")
                    .append(escapeLine(c.globalSource(k.name))).append(")\n");
        }
        for (HostRule r : c.rules()) {
            String prefix = "host." + r.name() + ".";
            b.append(prefix).append("match=").append(escapeLine(r.match())).append(" (")
                    .append(escapeLine(r.matchSource())).append(")\n");
            for (Map.Entry<String, String> e : r.values().entrySet()) {
                b.append(prefix).append(e.getKey()).append('=').append(escapeLine(e.getValue())).append(" (")
                        .append(escapeLine(r.source(e.getKey()))).append(")\n");
            }
        }
        return b.toString();
    }

    private static String escapeLine(String s) {
        return s == null ? "null" : dev.lifeline.report.Log.escapeLine(s);
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException(attribute.getName() + " is read-only");
    }

    @Override
    public AttributeList getAttributes(String[] names) {
        AttributeList list = new AttributeList();
        for (String n : names) {
            try {
                list.add(new Attribute(n, getAttribute(n)));
            } catch (Exception ignored) {
                // as the JMX contract says: attributes that cannot be read are left out
            }
        }
        return list;
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String action, Object[] params, String[] signature) throws ReflectionException {
        int n = params == null ? 0 : params.length;
        if (writable && action.equals("reload") && n == 0) {
            return runtime.reload();
        }
        if (writable && action.equals("setMode") && n == 1 && (params[0] == null || params[0] instanceof String)) {
            return runtime.setMode((String) params[0]);
        }
        throw new ReflectionException(new NoSuchMethodException(action + (writable ? "" : " (jmx.writable=false)")),
                "no such operation: " + action);
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        return info;
    }
}
