package dev.lifeline.runtime;

import dev.lifeline.report.AgentThreads;
import dev.lifeline.jmx.AgentMBean;
import dev.lifeline.jmx.Jmx;
import dev.lifeline.config.Config;
import dev.lifeline.config.Mode;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.enforce.ExecDeadline;
import dev.lifeline.report.Log;

import static dev.lifeline.runtime.AgentState.*;

/** The JMX view's registration (on the {@code lifeline-jmx} thread, after the delay) and what it reads and changes. */
final class JmxControl {
    private JmxControl() {
    }

    /** {@link DeferredStart}'s {@code lifeline-jmx} thread, after the delay and the start. */
    static void registerJmxDeferred() {
        Config c = config;
        if (running && c.jmxEnabled()) {
            Jmx.registerOnPlatformServer(View.RUNTIME, c.jmxWritable());
        }
    }

    static void startJmx(Config c) {
        synchronized (CHANGE) {
            if (jmxStarted || !c.jmxEnabled()) {
                return;
            }
            jmxStarted = true;
            if (deferred != null) {
                return; // its lifeline-jmx thread, started in premain, registers
            }
        }
        try {
            // on a daemon thread: see Jmx. Started here, so premain loads one small class, not Jmx and the view
            Thread t = AgentThreads.daemon(new JmxRegistration(c.jmxWritable()), "lifeline-jmx"); // a deferred start runs in an app call
            t.start();
            if (dynamicAttachAtStart) {
                Jmx.registerNow(); // the JVM is past its start-up, and attach waits to read the state
            }
        } catch (Throwable t) {
            Log.warn("jmx.register-failed", "mbean", AgentMBean.OBJECT_NAME, "error", t, "action", "continuing without JMX");
        }
    }

    /** Registers the JMX view ({@link Jmx#registerOnPlatformServer}), on the {@code lifeline-jmx} thread. */
    static final class JmxRegistration implements Runnable {
        private final boolean writable;

        JmxRegistration(boolean writable) {
            this.writable = writable;
        }

        @Override
        public void run() {
            if (dev.lifeline.jmx.JmxDelay.await()) { // Jmx and the view's classes are loaded after the delay
                Jmx.registerOnPlatformServer(View.RUNTIME, writable);
            }
        }
    }

    /** In a holder of its own: premain does not load the view (AgentMBean.Runtime and its class). */
    static final class View {
        /** What the JMX view reads and changes. */
        static final AgentMBean.Runtime RUNTIME = new AgentMBean.Runtime() {
            @Override
            public Config config() {
                return AgentState.config();
            }

            @Override
            public boolean active() {
                return AgentState.active() && AgentState.config().mode() != Mode.OFF;
            }

            @Override
            public String version() {
                return AgentState.version();
            }

            @Override
            public int pendingDeadlines() {
                return DeadlineScheduler.pending();
            }

            @Override
            public int watchedExecChannels() {
                return ExecDeadline.watched();
            }

            @Override
            public String reload() {
                return Reconfiguration.reload();
            }

            @Override
            public String setMode(String mode) {
                return Reconfiguration.setMode(mode);
            }

            @Override
            public String state() {
                return AgentState.state();
            }

            @Override
            public String stateReason() {
                return "disabled".equals(AgentState.state()) ? disabledReason : "";
            }

            @Override
            public String configErrors() {
                return running ? "" : configErrors;
            }

            @Override
            public String lastReload() {
                return lastReload;
            }

            @Override
            public boolean configured() {
                return running;
            }

            @Override
            public String configFile() {
                String f = configFile;
                return f == null ? "" : f;
            }
        };
    }
}
