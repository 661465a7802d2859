package dev.lifeline.cli;

import dev.lifeline.config.Config;
import dev.lifeline.config.ConfigError;
import dev.lifeline.config.HostRule;
import dev.lifeline.config.Key;
import dev.lifeline.config.Policy;

import java.io.PrintStream;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** {@code java -jar lifeline-agent.jar check FILE | explain FILE HOST[:PORT] | attach PID [FILE] | status PID | --version}. */
public final class Cli {
    static final int OK = 0;
    static final int INVALID = 1;
    static final int USAGE = 2;

    private Cli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            usage(args.length == 0 ? err : out);
            return args.length == 0 ? USAGE : OK;
        }
        if (args[0].equals("check") && args.length == 2) {
            return check(args[1], out, err);
        }
        if (args[0].equals("attach") && (args.length == 2 || args.length == 3)) {
            return Attach.run(args[1], args.length == 3 ? args[2] : null, out, err);
        }
        if (args[0].equals("status") && args.length == 2) {
            return Status.run(args[1], out, err);
        }
        if ((args[0].equals("--version") || args[0].equals("version")) && args.length == 1) {
            out.println("lifeline " + dev.lifeline.Lifeline.version());
            return OK;
        }
        if (args[0].equals("explain") && args.length == 3) {
            return explain(args[1], args[2], out, err);
        }
        err.println("lifeline: unknown command or wrong arguments: " + join(args));
        usage(err);
        return USAGE;
    }

    private static void usage(PrintStream s) {
        s.println("usage: java -jar lifeline-agent.jar check FILE");
        s.println("         validate FILE; exit 0 when valid, 1 with every error listed");
        s.println("       java -jar lifeline-agent.jar explain FILE HOST[:PORT]");
        s.println("         the effective value of every setting for HOST (port 22 by default) and where it came from");
        s.println("       java -jar lifeline-agent.jar attach PID [FILE]");
        s.println("         check FILE, load Lifeline into the running JVM PID (same user), then read its state there;");
        s.println("         exit 0 only when PID reports Lifeline active with FILE (a running Lifeline switches to FILE)");
        s.println("       java -jar lifeline-agent.jar status PID");
        s.println("         version, state, mode, file, last reload, counters, settings and rules of Lifeline in PID;");
        s.println("         exit 0 only when active (reads the local JMX connector it starts in PID; no port is opened)");
        s.println("       java -jar lifeline-agent.jar --version");
        s.println("check and explain read FILE only: system properties and LIFELINE_* variables are not applied here");
        s.println("as an agent: java -javaagent:lifeline-agent.jar=FILE[,key=value...] -jar app.jar");
    }

    private static Config load(String file) {
        Map<String, String> none = Collections.emptyMap();
        return Config.load(file, none, none);
    }

    private static int check(String file, PrintStream out, PrintStream err) {
        Config c = load(file);
        if (c.errors().isEmpty()) {
            out.println("OK: " + file + " (" + c.ruleCount() + (c.ruleCount() == 1 ? " rule)" : " rules)"));
            return OK;
        }
        printErrors(c, err);
        return INVALID;
    }

    private static void printErrors(Config c, PrintStream err) {
        for (ConfigError e : c.errors()) {
            err.println("error: " + e);
        }
        err.println(c.errors().size() + (c.errors().size() == 1 ? " error" : " errors")
                + "; as an agent Lifeline would change nothing (or stop the JVM with failOnConfigError=true)");
    }

    private static int explain(String file, String target, PrintStream out, PrintStream err) {
        String host = target;
        int port = 22;
        int colon = target.lastIndexOf(':');
        boolean bracketed = target.startsWith("[");
        if (colon > 0 && (bracketed ? target.lastIndexOf(']') < colon : target.indexOf(':') == colon)) {
            try {
                port = Integer.parseInt(target.substring(colon + 1));
            } catch (NumberFormatException e) {
                err.println("lifeline: bad port in " + target);
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
        out.println("# lifeline explain " + host + " port " + port + " (file " + file + ")");
        out.println("# rules matching, in file order: " + (matching.isEmpty() ? "none" : join(matching.toArray(new String[0]))));
        for (HostRule r : c.rules()) {
            out.println("#   " + r.name() + ": match " + r.match() + (matching.contains(r.name()) ? "  <- matches" : ""));
        }
        for (Key k : Key.all().values()) {
            String value = k.perHost ? p.value(k.name) : c.globalValue(k.name);
            String source = k.perHost ? p.source(k.name) : c.globalSource(k.name);
            out.println(pad(k.name + " " + value, 34) + " # " + source);
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

    private static String join(String[] parts) {
        StringBuilder b = new StringBuilder();
        for (String p : parts) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(p);
        }
        return b.toString();
    }
}
