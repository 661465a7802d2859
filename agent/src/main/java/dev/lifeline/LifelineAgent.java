package dev.lifeline;

import dev.lifeline.runtime.DeferredStart;
import dev.lifeline.runtime.Startup;

import java.lang.instrument.Instrumentation;

/**
 * Entry point named in the jar manifest: hands over to {@link Startup} and never lets anything escape, because a
 * broken agent must not stop the application.
 *
 * <p>The agent stays on the system class path (where {@code -javaagent} and attach put it) instead of the bootstrap
 * path: appending to the bootstrap path turns off class data sharing for application classes (a start-up cost and a
 * VM warning on every start). Hook calls woven into JSch or MINA classes therefore reach Lifeline through any class
 * loader that delegates to the system loader (class path apps, Spring Boot, app servers); for a loader that does not,
 * a bridge of generated forwarders is appended to the bootstrap path when it first loads such a library (see
 * {@code BootBridge}), and a loader that refuses even that is left alone (see {@code SshTransformer}).
 */
public final class LifelineAgent {
    /** {@code BootBridge}'s package, as a package name (a constant here so that premain loads nothing for it). */
    static final String BRIDGE_PACKAGE = "dev.lifeline.bridge";
    /** What JBoss Modules' loaders delegate to the system loader besides {@code java.*}, read once at its start. */
    static final String JBOSS_MODULES_SYSTEM_PACKAGES = "jboss.modules.system.pkgs";

    private LifelineAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        launch(args, inst, false);
    }

    public static void agentmain(String args, Instrumentation inst) {
        launch(args, inst, true);
    }

    /** {@code java -jar lifeline-agent.jar check|explain|attach|status|--version ...}. */
    public static void main(String[] args) {
        dev.lifeline.cli.Cli.main(args);
    }

    /**
     * JBoss Modules (WildFly, EAP) delegates nothing but {@code java.*} and the packages of
     * {@value #JBOSS_MODULES_SYSTEM_PACKAGES} out of a module, so a library in a module could not reach the bootstrap
     * bridge. Its {@code Module} class reads that property once, when it initializes, which is after premain: adding
     * the bridge's package here (to what the operator set, never instead of it) makes its loaders delegate that one
     * package, which holds only the bridge's forwarders, so nothing of the application or of Lifeline is shadowed.
     * Any other JVM ignores the property. Not on attach: JBoss Modules has read it by then (see architecture.md).
     */
    static void delegateTheBridgeInJbossModules() {
        String set = System.getProperty(JBOSS_MODULES_SYSTEM_PACKAGES);
        if (set == null || set.trim().isEmpty()) {
            System.setProperty(JBOSS_MODULES_SYSTEM_PACKAGES, BRIDGE_PACKAGE);
        } else if (!("," + set.replace(" ", "") + ",").contains("," + BRIDGE_PACKAGE + ",")) {
            System.setProperty(JBOSS_MODULES_SYSTEM_PACKAGES, set + "," + BRIDGE_PACKAGE);
        }
    }

    private static void launch(String args, Instrumentation inst, boolean dynamicAttach) {
        int exitCode = 0;
        try {
            if (!dynamicAttach) {
                delegateTheBridgeInJbossModules();
            }
            // a constant (inlined: AgentState is not loaded); status and attach read it before the MBean is there
            System.setProperty(dev.lifeline.runtime.AgentState.LOADED_PROPERTY, dynamicAttach ? "agentmain" : "premain");
            DeferredStart pending = DeferredStart.pending;
            if (pending != null) {
                pending.startNow(); // an attach, or the agent given twice: the first start comes first
                exitCode = Startup.start(args, inst, dynamicAttach);
            } else if (!dynamicAttach) {
                if (DeferredStart.nothingConfigured(args)) {
                    DeferredStart.install(args, inst); // defaults: nothing to check or print before main
                    return;
                }
                exitCode = Startup.startInPremain(args, inst); // reads and checks the configuration, defers the rest
            } else {
                exitCode = Startup.start(args, inst, true);
            }
        } catch (Throwable t) {
            System.err.println("[lifeline] level=error event=agent.failed action=\"application continues unprotected\" error=\""
                    + t.getClass().getName() + ": " + t.getMessage() + "\"");
        }
        if (exitCode != 0) {
            // only when the operator set failOnConfigError=true, and never on dynamic attach
            System.exit(exitCode);
        }
    }
}
