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

    private static void launch(String args, Instrumentation inst, boolean dynamicAttach) {
        int exitCode = 0;
        try {
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
