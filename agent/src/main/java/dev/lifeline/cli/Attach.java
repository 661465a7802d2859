package dev.lifeline.cli;

import java.io.File;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * {@code attach PID [FILE]}: loads this agent jar into a running JVM through the JDK's attach API. Reflection keeps
 * the jar loadable where {@code jdk.attach} is absent (a JRE, JDK 8 without tools.jar): the command then says so.
 */
final class Attach {
    private Attach() {
    }

    static int run(String pid, String agentArgs, PrintStream out, PrintStream err) {
        if (!pid.matches("[0-9]{1,10}")) {
            err.println("lifeline: PID must be a process id (digits), got: " + pid);
            return Cli.USAGE;
        }
        if (agentArgs != null && !new File(agentArgs).isFile()) {
            err.println("lifeline: configuration file not found: " + agentArgs + " (check it first with: check FILE)");
            return Cli.INVALID;
        }
        String jar = agentJar();
        if (jar == null) {
            err.println("lifeline: cannot tell where lifeline-agent.jar is; run this command as java -jar lifeline-agent.jar attach ...");
            return Cli.INVALID;
        }
        Class<?> vmClass;
        try {
            vmClass = Class.forName("com.sun.tools.attach.VirtualMachine");
        } catch (ClassNotFoundException e) {
            err.println("lifeline: this Java has no attach API (module jdk.attach); run the command with a full JDK's java");
            return Cli.INVALID;
        }
        try {
            Object vm = vmClass.getMethod("attach", String.class).invoke(null, pid);
            try {
                Method load = vmClass.getMethod("loadAgent", String.class, String.class);
                load.invoke(vm, jar, agentArgs == null ? "" : new File(agentArgs).getAbsolutePath());
            } finally {
                vmClass.getMethod("detach").invoke(vm);
            }
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            err.println("lifeline: attach to " + pid + " failed: " + cause.getClass().getName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
                    + " (same user as the target JVM? -XX:+DisableAttachMechanism set?)");
            return Cli.INVALID;
        } catch (Exception e) {
            err.println("lifeline: attach to " + pid + " failed: " + e);
            return Cli.INVALID;
        }
        out.println("attached Lifeline to " + pid + (agentArgs == null ? " (defaults)" : " with " + agentArgs)
                + "; its log lines appear on that JVM's stderr (or log.file). New SSH sessions are protected;"
                + " sessions already open keep their settings.");
        return Cli.OK;
    }

    private static String agentJar() {
        try {
            File f = new File(Attach.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return f.isFile() ? f.getAbsolutePath() : null;
        } catch (Exception e) {
            return null;
        }
    }
}
