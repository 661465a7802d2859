package dev.lifeline.samples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The README's first command. Needs no sshd and no root: an embedded Apache MINA SSH server, and a TCP relay that can
 * freeze (stop forwarding, close nothing: a dead peer as a cut cable or a forgetful NAT makes it). Unchanged legacy
 * JSch and MINA apps meet three classic hangs, each run twice, without and with {@code -javaagent}:
 * <ul>
 *   <li>an exec of a command that never ends ({@code sleep 30000}), with no timeout in the app;</li>
 *   <li>an idle session whose peer goes silent (relay frozen), the app blocked in a read;</li>
 *   <li>a JSch disconnect while uploads to the frozen peer are stuck. (MINA's graceful close hangs on a peer dropped by
 *   nft, see CloseDeadlineTest, but behind this relay it sometimes completes on its own, so it is not a demo row.)</li>
 * </ul>
 * Prints a table: without the agent the app is still hung when the demo stops it; with it, it ends, and the table
 * says after how long and by which rule.
 *
 * <p>Usage: {@code Demo [AGENT_JAR] [AGENT_ARGS]}, run from the repository root after {@code mvn package}; without
 * AGENT_ARGS each scenario runs with the one rule it shows. Exits 1 if any run under the agent did not end.
 */
public final class Demo {
    static final long HANG_SECONDS = Long.getLong("demo.hangSeconds", 8);
    static final long AGENT_LIMIT_MS = 30_000;
    static final String EXEC_RULE = "exec.timeout=3s,exec.killGrace=1s";
    static final String KEEPALIVE_RULE = "keepalive.interval=1s,keepalive.countMax=3";
    static final String CLOSE_RULE = "close.timeout=2s";

    private final Path agent;
    private final String agentArgs;
    private final Path libs = Paths.get("sample-apps/target/libs");
    private final Path classes = Paths.get("sample-apps/target/classes");
    private final EmbeddedSshServer server;
    private final SampleKeys keys;

    private Demo(Path agent, String agentArgs, EmbeddedSshServer server, SampleKeys keys) {
        this.agent = agent;
        this.agentArgs = agentArgs;
        this.server = server;
        this.keys = keys;
    }

    /** One hang: which app, how to provoke it once the app says READY. */
    static final class Scenario {
        final String title;
        final String app;
        final String library;
        final String ready;
        final boolean viaFrozenRelay;
        final String stdinTrigger;
        final String agentArgs;
        final String[] appArgs;

        Scenario(String title, String app, String library, String ready, boolean viaFrozenRelay, String stdinTrigger,
                 String agentArgs, String... appArgs) {
            this.agentArgs = agentArgs;
            this.title = title;
            this.app = app;
            this.library = library;
            this.ready = ready;
            this.viaFrozenRelay = viaFrozenRelay;
            this.stdinTrigger = stdinTrigger;
            this.appArgs = appArgs;
        }
    }

    static List<Scenario> scenarios() {
        String jsch = "jsch-mwiede-" + Versions.JSCH_MWIEDE;
        String mina = "sshd-" + Versions.SSHD;
        List<Scenario> s = new ArrayList<Scenario>();
        s.add(new Scenario("exec 'sleep 30000', no timeout", "JschExec", jsch, "exec", false, null, EXEC_RULE, "sleep 30000"));
        s.add(new Scenario("exec 'sleep 30000', no timeout", "MinaExec", mina, "exec", false, null, EXEC_RULE, "sleep 30000"));
        s.add(new Scenario("idle session, peer goes silent", "JschIdleShell", jsch, "idle", true, null, KEEPALIVE_RULE));
        s.add(new Scenario("idle session, peer goes silent", "MinaIdleChannel", mina, "idle", true, null, KEEPALIVE_RULE));
        s.add(new Scenario("disconnect, uploads stuck on dead peer", "JschDisconnectDeadPeer", jsch, "channels", true, "disconnect", CLOSE_RULE, "32"));
        return s;
    }

    public static void main(String[] args) throws Exception {
        Path agent = Paths.get(args.length > 0 ? args[0] : "agent/target/lifeline-agent.jar");
        String agentArgs = args.length > 1 ? args[1] : null; // null: each scenario's own rule
        if (!Files.isRegularFile(agent) || !Files.isDirectory(Paths.get("sample-apps/target/libs"))) {
            System.err.println("run from the repository root after: mvn -B package -DskipTests (missing " + agent
                    + " or sample-apps/target/libs)");
            System.exit(2);
        }
        Path work = Files.createTempDirectory("lifeline-demo");
        SampleKeys keys = SampleKeys.create(work);
        List<String[]> rows = new ArrayList<String[]>();
        boolean allEnded = true;
        try (EmbeddedSshServer server = EmbeddedSshServer.start(work)) {
            System.out.println("embedded SSH server (Apache MINA) on " + server.host() + ":" + server.port()
                    + "; agent " + agent + (agentArgs == null ? " with one rule per scenario" : "=" + agentArgs));
            Demo demo = new Demo(agent, agentArgs, server, keys);
            for (Scenario s : scenarios()) {
                String without = demo.run(s, false);
                String with = demo.run(s, true);
                allEnded &= with.startsWith("ended");
                rows.add(new String[]{s.title, s.app + " (" + s.library + ")", without, with});
            }
        }
        System.out.println();
        String format = "%-40s %-45s %-34s %s%n";
        System.out.printf(format, "scenario", "app (library)", "without agent", "with agent");
        for (String[] r : rows) {
            System.out.printf(format, (Object[]) r);
        }
        System.exit(allEnded ? 0 : 1);
    }

    /** @return "hung at N s, stopped by the demo" or "ended after N s: ..." */
    private String run(Scenario s, boolean withAgent) throws Exception {
        System.out.println();
        System.out.println("== " + s.title + ": " + s.app + " on " + s.library
                + (withAgent ? ", with -javaagent:...=" + (agentArgs != null ? agentArgs : s.agentArgs) : ", without agent"));
        FreezableRelay relay = s.viaFrozenRelay ? new FreezableRelay(server.host(), server.port()) : null;
        try {
            int port = relay != null ? relay.port() : server.port();
            List<String> appArgs = new ArrayList<String>();
            appArgs.add(server.host());
            appArgs.add(String.valueOf(port));
            appArgs.add(System.getProperty("user.name"));
            appArgs.add(keys.privateKey.toString());
            for (String a : s.appArgs) {
                appArgs.add(a);
            }
            ForkedJvm.Builder b = ForkedJvm.builder("dev.lifeline.samples." + s.app)
                    .classpath(classes.toString(), libs.resolve(s.library).resolve("*").toString())
                    .args(appArgs.toArray(new String[0]))
                    .echo("   | ");
            if (s.stdinTrigger != null) {
                b.keepStdin();
            }
            if (withAgent) {
                b.agent(agent, agentArgs != null ? agentArgs : s.agentArgs);
            }
            try (ForkedJvm app = b.start()) {
                app.awaitLine(Pattern.compile("^READY " + s.ready), 60_000);
                if (relay != null) {
                    relay.freeze();
                    System.out.println("   (relay frozen: the peer is silent from now on)");
                }
                if (s.stdinTrigger != null) {
                    app.send(s.stdinTrigger);
                    // the app first waits until its uploads stall on the frozen peer, then closes: time the close
                    app.awaitLine(Pattern.compile("^READY stalled"), 60_000);
                }
                long t0 = System.nanoTime();
                long limit = withAgent ? AGENT_LIMIT_MS : TimeUnit.SECONDS.toMillis(HANG_SECONDS);
                try {
                    app.awaitExit(limit);
                } catch (java.util.concurrent.TimeoutException stillRunning) {
                    return "hung at " + TimeUnit.MILLISECONDS.toSeconds(limit) + " s, stopped by the demo";
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                return String.format("ended after %.1f s%s", seconds, withAgent ? ": " + rule(app) : " (on its own)");
            }
        } finally {
            if (relay != null) {
                relay.close();
            }
        }
    }

    /** Which Lifeline rule ended it, from the agent's own log lines. */
    private static String rule(ForkedJvm app) {
        for (String l : app.stderr()) {
            if (l.contains("event=exec.deadline-fired")) {
                return "exec.timeout=3s (TERM, KILL, channel closed)";
            }
            if (l.contains("event=close.deadline-fired")) {
                return "close.timeout=2s (socket shut)";
            }
        }
        for (String l : app.stderr()) {
            if (l.contains("event=session.configured") && l.contains("keepalive.interval=")) {
                return "keepalive 1s x 3 (peer declared dead)";
            }
        }
        return "no Lifeline rule logged";
    }
}
