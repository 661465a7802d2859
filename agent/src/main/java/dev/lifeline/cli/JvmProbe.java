package dev.lifeline.cli;

import dev.lifeline.runtime.AgentState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Properties;

/**
 * Reads one JVM for {@code status --all}, loading nothing into it: the attach API's system properties (is Lifeline
 * loaded?), jcmd {@code VM.class_hierarchy} (which SSH library classes are loaded, {@link LoadedCopies}), and, only
 * where Lifeline is loaded and may report, what {@code status PID} reads (its MBean over the local JMX connector).
 */
final class JvmProbe {
    private JvmProbe() {
    }

    static JvmReport read(String pid, String main) {
        JvmReport r = new JvmReport(pid, main);
        try (TargetJvm vm = TargetJvm.attach(pid)) {
            Properties props = vm.systemProperties();
            try {
                r.copies = LoadedCopies.read(vm);
                LoadedCopies.versions(pid, r.copies);
            } catch (TargetJvm.Failure f) {
                if (gone(pid)) {
                    throw f;
                }
                r.classListProblem = f.getMessage(); // a JDK 8 target has no VM.class_hierarchy: Lifeline's word only
            }
            String loaded = props.getProperty(AgentState.LOADED_PROPERTY);
            if (loaded == null) {
                r.lifeline = "none";
            } else if ("disabled".equals(loaded)) {
                r.lifeline = "disabled";
            } else if (vm.jmxDisabledBy(props) != null) {
                r.lifeline = "silent"; // loaded with jmx.enabled=false: it reports nothing
            } else {
                lifeline(vm, props, loaded, r);
            }
        } catch (TargetJvm.Failure f) {
            return JvmReport.unanswered(pid, main, gone(pid) && f.reachedTarget ? JvmReport.Verdict.ENDED
                    : JvmReport.Verdict.UNKNOWN, f.getMessage());
        }
        return r;
    }

    /** What status PID reads: the agent's MBean; without it, starting or silent as status tells them apart. */
    private static void lifeline(TargetJvm vm, Properties props, String loaded, JvmReport r) throws TargetJvm.Failure {
        try (Status.Reader reader = Status.Reader.connect(vm.localJmxAddress())) {
            Status.Snapshot s = reader.read("State", "StateReason", "Active", "Mode", "ConfigFile", "Version",
                    "Libraries", "HookFailures");
            if (!s.present) {
                long delay = "agentmain".equals(loaded) ? 0 : dev.lifeline.jmx.JmxDelay.of(props);
                long uptime = reader.uptimeMillis();
                r.lifeline = uptime >= 0 && uptime < delay + Status.STARTING_GRACE_MILLIS ? "starting" : "silent";
                return;
            }
            r.lifeline = s.active() || !"active".equals(s.state()) ? s.state() : "inactive";
            r.mode = s.text("Mode");
            r.file = s.configFile();
            r.version = s.text("Version");
            r.hookFailures = s.hookFailures();
            String libraries = s.text("Libraries");
            if (libraries != null) {
                r.lifelineLibraries = libraries.trim().isEmpty() ? new ArrayList<String>()
                        : new ArrayList<String>(Arrays.asList(libraries.trim().split("\n")));
            }
        }
    }

    private static boolean gone(String pid) {
        char state = Bounded.processState(pid);
        return state == 0 || state == 'Z' || state == 'X';
    }
}
