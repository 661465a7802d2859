package dev.lifeline.jmx;

import dev.lifeline.report.Log;
import dev.lifeline.report.Counters;
import dev.lifeline.config.Config;
import dev.lifeline.config.HostRule;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Registers {@link AgentMBean} and one {@link RuleMBean} per host rule on an MBean server, and keeps the rule MBeans in
 * step with the active configuration.
 *
 * <p>On the platform server this happens on a daemon thread, not in {@code premain}: creating the platform MBean
 * server costs start-up time and initialises {@code java.util.logging} (on Java 8) and the MBean server builder,
 * which application servers that install their own log manager or builder from their {@code main} need to do first.
 * So registration waits {@link #DELAY_MILLIS}, or {@link #APP_SERVER_DELAY_MILLIS} when the command line names a log
 * manager or MBean server builder of its own, and happens at once when the JVM's own JMX agent is configured
 * ({@code com.sun.management.jmxremote*}): that agent creates the platform server at start-up anyway.
 */
public final class Jmx {
    static final long DELAY_MILLIS = JmxDelay.DELAY_MILLIS;
    static final long APP_SERVER_DELAY_MILLIS = JmxDelay.APP_SERVER_DELAY_MILLIS;

    private static volatile Jmx platform;

    private final MBeanServer server;
    private final List<ObjectName> ruleNames = new ArrayList<ObjectName>();
    private Config rulesOf;

    private Jmx(MBeanServer server) {
        this.server = server;
    }

    /**
     * Waits the {@link #registrationDelay registration delay} (or until {@link #registerNow}). The agent calls it, then
     * {@link #registerOnPlatformServer}, on its {@code lifeline-jmx} daemon thread (created by the agent, so that
     * premain loads neither this class nor the agent's view).
     *
     * @return false when interrupted
     */
    public static boolean awaitRegistrationDelay() {
        return JmxDelay.await();
    }

    /** Registers on the platform MBean server now; failures are logged, never thrown. */
    public static void registerOnPlatformServer(AgentMBean.Runtime runtime, boolean writable) {
        try {
            Jmx j = register(ManagementFactory.getPlatformMBeanServer(), runtime, writable);
            if (j != null) {
                platform = j;
                j.rulesChanged(runtime.config()); // a reload may have happened while registering
            }
        } catch (Throwable t) {
            Counters.increment(Counters.Counter.INTERNAL_ERRORS);
            Log.warn("jmx.register-failed", "mbean", AgentMBean.OBJECT_NAME, "error", t,
                    "action", "continuing without JMX");
        }
    }

    /**
     * Ends the registration delay now. Called on a dynamic attach: {@code attach} started the local management agent
     * (so the platform server exists) and waits to read the state; the delay only protects a JVM's own start-up.
     */
    public static void registerNow() {
        JmxDelay.endNow();
    }

    static long registrationDelay(Properties props) {
        return JmxDelay.of(props);
    }

    /** The configuration was replaced: rule MBeans on the platform server follow it. */
    public static void configReplaced(Config c) {
        Jmx j = platform;
        if (j != null) {
            j.rulesChanged(c);
        }
    }

    /**
     * Registers the agent and rule MBeans on {@code server}.
     *
     * @return null when the agent MBean could not be registered (logged as a warning)
     */
    public static Jmx register(MBeanServer server, AgentMBean.Runtime runtime, boolean writable) {
        try {
            server.registerMBean(new AgentMBean(runtime, writable), new ObjectName(AgentMBean.OBJECT_NAME));
        } catch (Throwable t) {
            Counters.increment(Counters.Counter.INTERNAL_ERRORS);
            Log.warn("jmx.register-failed", "mbean", AgentMBean.OBJECT_NAME, "error", t, "action", "continuing without JMX");
            return null;
        }
        Jmx j = new Jmx(server);
        j.rulesChanged(runtime.config());
        Log.debug("jmx.registered", "mbean", AgentMBean.OBJECT_NAME, "rules", j.ruleNames.size(), "writable", writable);
        return j;
    }

    /** Replaces the rule MBeans with those of {@code c}; nothing to do when they already show it. */
    public synchronized void rulesChanged(Config c) {
        if (c == rulesOf) {
            return;
        }
        rulesOf = c;
        unregisterRules();
        for (HostRule r : c.rules()) {
            try {
                ObjectName name = RuleMBean.objectName(r.name());
                server.registerMBean(new RuleMBean(r), name);
                ruleNames.add(name);
            } catch (Throwable t) {
                Counters.increment(Counters.Counter.INTERNAL_ERRORS);
                Log.warn("jmx.register-failed", "mbean", "lifeline:type=Rule,name=" + r.name(), "error", t,
                        "action", "continuing without this rule's MBean");
            }
        }
    }

    /** Removes every MBean this registered (tests; a JVM never needs it). */
    public synchronized void unregister() {
        unregisterRules();
        try {
            server.unregisterMBean(new ObjectName(AgentMBean.OBJECT_NAME));
        } catch (Throwable ignored) {
            // already gone
        }
    }

    private void unregisterRules() {
        for (ObjectName n : ruleNames) {
            try {
                server.unregisterMBean(n);
            } catch (Throwable ignored) {
                // already gone
            }
        }
        ruleNames.clear();
    }
}
