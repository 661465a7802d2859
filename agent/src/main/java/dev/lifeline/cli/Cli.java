package dev.lifeline.cli;

import dev.lifeline.config.Config;
import dev.lifeline.config.ConfigError;
import dev.lifeline.config.ConfigWarning;
import dev.lifeline.config.HostRule;
import dev.lifeline.config.Key;
import dev.lifeline.config.Policy;
import dev.lifeline.report.Log;

import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/** {@code java -jar lifeline-agent.jar check FILE | explain FILE HOST[:PORT] | attach PID [FILE] | status PID | status --all | sessions PID | --version}. */
public final class Cli {
    static final int OK = 0;
    static final int INVALID = 1;
    static final int USAGE = 2;
    /** status: Lifeline is loaded in the target and not started yet (its registration delay): healthy, wait. */
    static final int STARTING = 3;
    /** The target JVM did not answer within the command's bound (stopped with kill -STOP, frozen). */
    static final int NO_ANSWER = 4;
    /** The target JVM ended, or is exiting, while the command talked to it. */
    static final int GONE = 5;
    /** Lifeline is active, but an SSH library copy the target loaded is not protected (status, attach: listed). */
    static final int UNPROTECTED = 6;

    private Cli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, lifelineSystemProperties(), System.getenv());
    }

    /** With the system properties and environment {@code check} applies, as the agent would in a JVM that has them. */
    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> systemProperties,
                   Map<String, String> environment) {
        out = TerminalText.wrap(out); // whatever is printed reaches the terminal escaped, as the log escapes it
        err = TerminalText.wrap(err);
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage(args.length == 0 ? err : out);
            return args.length == 0 ? USAGE : OK;
        }
        if (args[0].equals("check") && args.length == 2) {
            final PrintStream o = out, e = err;
            final String file = args[1];
            final Map<String, String> p = systemProperties, v = environment;
            return Bounded.runReading("check", file, Bounded.millis(), new Callable<Integer>() {
                @Override
                public Integer call() {
                    return check(file, o, e, p, v);
                }
            }, err);
        }
        if (args[0].equals("attach") && (args.length == 2 || args.length == 3)) {
            return Attach.run(args[1], args.length == 3 ? args[2] : null, out, err);
        }
        if (args[0].equals("status") && args.length >= 2 && args[1].equals("--all")) {
            return HostStatus.run(args, out, err);
        }
        if (args[0].equals("status") && args.length == 2) {
            return Status.run(args[1], out, err);
        }
        if (args[0].equals("sessions") && args.length == 2) {
            return Status.sessions(args[1], out, err);
        }
        if ((args[0].equals("--version") || args[0].equals("version")) && args.length == 1) {
            out.println("lifeline " + dev.lifeline.runtime.BuildInfo.describe());
            return OK;
        }
        if (args[0].equals("explain") && args.length == 3) {
            final PrintStream o = out, e = err;
            final String file = args[1], target = args[2];
            return Bounded.runReading("explain", file, Bounded.millis(), new Callable<Integer>() {
                @Override
                public Integer call() {
                    return explain(file, target, o, e);
                }
            }, err);
        }
        err.println("lifeline: unknown command or wrong arguments: " + Log.escapeLine(join(args, " ")));
        usage(err);
        return USAGE;
    }

    private static void usage(PrintStream s) {
        s.println("usage: java -jar lifeline-agent.jar check FILE");
        s.println("         validate FILE; exit 0 when valid, 1 with every error listed (unknown keys too: the agent ignores");
        s.println("         them and applies the rest), 4 when FILE could not be read within " + Bounded.seconds(Bounded.millis())
                + " (a hung mount)");
        s.println("       java -jar lifeline-agent.jar explain FILE HOST[:PORT]");
        s.println("         the effective value of every setting for HOST (port 22 by default) and where it came from;");
        s.println("         ends within " + Bounded.seconds(Bounded.millis()) + " as check does");
        s.println("       java -jar lifeline-agent.jar attach PID [FILE]");
        s.println("         check FILE, load Lifeline into the running JVM PID (same user), then read its state there;");
        s.println("         exit 0 only when PID reports Lifeline active with FILE and no SSH library copy it loaded is left");
        s.println("         unprotected (a running Lifeline switches to FILE; without FILE it keeps its settings and");
        s.println("         attach prints its status); ends within " + Bounded.seconds(Attach.boundMillis()));
        s.println("         A JVM stuck now: the SSH sessions already open there are found and brought under FILE as far");
        s.println("         as each library allows (keepalive with dead-peer detection, so a thread blocked on a dead peer");
        s.println("         is woken; exec deadlines counted from the attach; close deadline; TCP keepalive); attach");
        s.println("         lists them per library, and each one it could not protect with why (mode=audit: only logged)");
        s.println("       java -jar lifeline-agent.jar status PID");
        s.println("         version, state, mode, file, libraries, counters, settings and rules of Lifeline in PID");
        s.println("         (reads the local JMX connector it starts in PID; no port is opened); ends within "
                + Bounded.seconds(Bounded.millis()));
        s.println("       java -jar lifeline-agent.jar status --all [--format text|json]");
        s.println("         every JVM this user may attach to, one line each: PID, main class or jar, Lifeline there (state,");
        s.println("         mode, file), the SSH libraries it loaded and whether each is protected; loads nothing into any JVM;");
        s.println("         exit 0 when every JVM with an SSH library is protected, 6 when one is not, else 4 when a JVM did");
        s.println("         not answer, 1 when one could not be told; ends within " + Bounded.seconds(Bounded.millis())
                + " (every JVM read at once)");
        s.println("       java -jar lifeline-agent.jar sessions PID");
        s.println("         the open SSH sessions in PID: peer, age, idle, keepalive, channels and their deadlines, and the");
        s.println("         threads blocked in a call on each (stack); exit 0 when read (same connector as status); ends");
        s.println("         within " + Bounded.seconds(Bounded.millis()));
        s.println("exit status of status, sessions and attach: 0 active (status, attach) or read (sessions); 1 not active,");
        s.println("  not confirmed or no Lifeline; 2 usage; 3 starting (status: loaded, not started yet: healthy, wait);");
        s.println("  4 PID did not answer within the bound (stopped with kill -STOP, frozen); 5 PID ended meanwhile;");
        s.println("  6 active, but an SSH library copy PID loaded is not protected (status, attach: listed)");
        s.println("       java -jar lifeline-agent.jar --version");
        s.println("check also applies the LIFELINE_* variables and -Dlifeline.* properties of its own JVM, as the agent");
        s.println("would in a JVM that has them, and says which; explain reads FILE only");
        s.println("as an agent: java -javaagent:lifeline-agent.jar=FILE[,key=value...] -jar app.jar");
        s.println("  (a path with , or = in it: -javaagent:lifeline-agent.jar=[key=value,...]file=PATH, file= last)");
    }

    private static Config load(String file) {
        Map<String, String> none = Collections.emptyMap();
        return Config.loadFile(file, none, none);
    }

    private static Map<String, String> lifelineSystemProperties() {
        Map<String, String> out = new HashMap<String, String>();
        Properties props = System.getProperties();
        for (String name : props.stringPropertyNames()) {
            if (name.startsWith("lifeline.")) {
                out.put(name, props.getProperty(name));
            }
        }
        return out;
    }

    private static int check(String file, PrintStream out, PrintStream err, Map<String, String> systemProperties,
                             Map<String, String> environment) {
        Config c = Config.loadFile(file, systemProperties, environment);
        List<String> warnings = new ArrayList<String>();
        List<String> unknownKeys = new ArrayList<String>(); // the agent ignores them; check fails on them (typos)
        for (ConfigWarning w : c.warnings()) {
            (w.failsCheck() ? unknownKeys : warnings).add(w.toString());
        }
        String logDirWarning = logDirectoryWarning(c);
        if (logDirWarning != null) {
            warnings.add(logDirWarning);
        }
        if (c.errors().isEmpty() && unknownKeys.isEmpty()) {
            out.println("OK: " + Log.value(file) + " (" + c.ruleCount() + (c.ruleCount() == 1 ? " rule)" : " rules)")
                    + (warnings.isEmpty() ? "" : ", " + warnings.size() + (warnings.size() == 1 ? " warning" : " warnings")));
            for (String w : warnings) {
                err.println("warning: " + Log.escapeLine(w));
            }
            out.println(Log.escapeLine(outsideLayers(c)));
            return OK;
        }
        for (ConfigError e : c.errors()) {
            err.println("error: " + Log.escapeLine(e.toString()));
        }
        for (String u : unknownKeys) {
            err.println("error: " + Log.escapeLine(u));
        }
        for (String w : warnings) {
            err.println("warning: " + Log.escapeLine(w));
        }
        if (c.errors().isEmpty()) {
            err.println(unknownKeys.size() + (unknownKeys.size() == 1 ? " error" : " errors") + ", all unknown keys: as an"
                    + " agent this Lifeline would ignore them and apply the rest of the file (one config.unknown-key line"
                    + " each); check with the jar that will read the file");
        } else {
            err.println((c.errors().size() + unknownKeys.size()) + (c.errors().size() + unknownKeys.size() == 1 ? " error" : " errors")
                    + "; as an agent Lifeline would change nothing (or stop the JVM with failOnConfigError=true)");
        }
        err.println(Log.escapeLine(outsideLayers(c)));
        return INVALID;
    }

    /** Which LIFELINE_* variables and lifeline.* properties this check saw: the agent's own JVM may have others. */
    private static String outsideLayers(Config c) {
        List<String> ignored = new ArrayList<String>();
        for (ConfigWarning w : c.warnings()) {
            if (w.event().equals("config.unknown-variable") || w.event().equals("config.unknown-property")) {
                ignored.add(w.key());
            }
        }
        if (c.appliedFromOutside().isEmpty() && ignored.isEmpty()) {
            return "checked the file only: this check's JVM has no LIFELINE_* variables and no lifeline.* system properties"
                    + " (the agent applies those of the JVM it runs in)";
        }
        StringBuilder b = new StringBuilder("applied as start-up would from this check's JVM: ");
        b.append(c.appliedFromOutside().isEmpty() ? "nothing" : join(c.appliedFromOutside().toArray(new String[0]), ", "));
        if (!ignored.isEmpty()) {
            b.append("; ignored (unknown, warning only): ").append(join(ignored.toArray(new String[0]), ", "));
        }
        return b.append(" (the agent applies those of the JVM it runs in)").toString();
    }

    /** At start-up a missing directory only shows as one log.file-unusable line and the log on stderr: say it now. */
    private static String logDirectoryWarning(Config c) {
        String log = c.logFile();
        if (log.isEmpty()) {
            return null;
        }
        File dir = new File(log).getAbsoluteFile().getParentFile();
        if (dir == null || dir.isDirectory()) {
            return null;
        }
        return c.globalSource("log.file") + ": log.file = \"" + log + "\": directory " + dir + " does not exist: at"
                + " start-up the log would stay on stderr (event log.file-unusable); create the directory";
    }

    private static void printErrors(Config c, PrintStream err) {
        for (ConfigError e : c.errors()) {
            err.println("error: " + Log.escapeLine(e.toString()));
        }
        printErrorCount(c, err);
    }

    private static void printErrorCount(Config c, PrintStream err) {
        err.println(c.errors().size() + (c.errors().size() == 1 ? " error" : " errors")
                + "; as an agent Lifeline would change nothing (or stop the JVM with failOnConfigError=true)");
    }

    private static int explain(String file, String target, PrintStream out, PrintStream err) {
        String host = target;
        int port = 22;
        int colon = target.lastIndexOf(':');
        boolean bracketed = target.startsWith("[");
        if (colon > 0 && (bracketed ? target.lastIndexOf(']') < colon : target.indexOf(':') == colon)) {
            String p = target.substring(colon + 1);
            port = p.matches("[0-9]{1,5}") ? Integer.parseInt(p) : -1;
            if (port < 1 || port > 65535) {
                err.println("lifeline: bad port '" + Log.escapeLine(p) + "' in " + Log.escapeLine(target) + "; accepted: HOST or HOST:PORT with PORT"
                        + " from 1 to 65535 ([IPv6]:PORT)");
                return USAGE;
            }
            host = target.substring(0, colon);
        }
        if (bracketed && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        Config c = load(file);
        if (!c.errors().isEmpty()) {
            printErrors(c, err);
            return INVALID;
        }
        Policy p = c.policyFor(host, null, port);
        List<String> matching = c.matchingRules(host, null, port);
        out.println("# lifeline explain " + Log.value(host) + " port " + port + " (file " + Log.value(file) + ")");
        out.println("# rules matching, in file order: " + (matching.isEmpty() ? "none" : join(matching.toArray(new String[0]), " ")));
        for (HostRule r : c.rules()) {
            out.println("#   " + r.name() + ": match " + Log.escapeLine(r.match())
                    + (matching.contains(r.name()) ? "  <- matches" : ""));
        }
        for (Key k : Key.all().values()) {
            String value = k.perHost ? p.value(k.name) : c.globalValue(k.name);
            String source = k.perHost ? p.source(k.name) : c.globalSource(k.name);
            out.println(pad(k.name + " " + Log.escapeLine(String.valueOf(value)), 34) + " # "
                    + Log.escapeLine(String.valueOf(source)));
        }
        return OK;
    }

    private static String pad(String s, int width) {
        StringBuilder b = new StringBuilder(s);
        while (b.length() < width) {
            b.append(' ');
        }
        return b.toString();
    }

    private static String join(String[] parts, String separator) {
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            if (b.length() > 0) {
                b.append(separator);
            }
            b.append(p);
        }
        return b.toString();
    }
}
