package dev.lifeline.cli;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Properties;

/**
 * A running JVM reached through the JDK's attach API ({@code com.sun.tools.attach.VirtualMachine}), by reflection so
 * that the jar still loads where {@code jdk.attach} is absent (a JRE; JDK 8 without tools.jar).
 *
 * <p>{@link #checkIsJvm} must run before {@link #attach}: when the target has no attach listener yet, HotSpot's attach
 * sends it SIGQUIT, which a JVM answers by starting the listener but which kills any other process.
 */
final class TargetJvm implements AutoCloseable {
    /** Thrown with a message for the operator; the command prints it and exits non-zero. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        /** The target answered once: a failure now may be its end (see {@link Bounded#failed}). */
        final boolean reachedTarget;

        Failure(String message) {
            this(message, false);
        }

        Failure(String message, boolean reachedTarget) {
            super(message);
            this.reachedTarget = reachedTarget;
        }
    }

    private static final String LOCAL_CONNECTOR = "com.sun.management.jmxremote.localConnectorAddress";

    private final Class<?> vmClass;
    private final Object vm;
    private final String pid;

    private TargetJvm(Class<?> vmClass, Object vm, String pid) {
        this.vmClass = vmClass;
        this.vm = vm;
        this.pid = pid;
    }

    static boolean isPid(String s) {
        return s.matches("[0-9]{1,10}");
    }

    /**
     * Fails fast, without signalling anything, unless PID is a running JVM: on Linux its {@code /proc/PID/maps} names
     * {@code libjvm.so}; elsewhere, or when that file cannot be read (another user's process), it must be among the
     * JVMs the attach API lists.
     */
    static void checkIsJvm(String pid) throws Failure {
        Bounded.step("checking that " + pid + " is a JVM");
        File proc = new File("/proc");
        if (new File(proc, "self").isDirectory()) {
            File dir = new File(proc, pid);
            if (!dir.isDirectory()) {
                throw new Failure("no process " + pid + " is running");
            }
            char state = Bounded.processState(pid);
            if (state == 'Z' || state == 'X') {
                throw new Failure("process " + pid + " is exiting; nothing was sent to it");
            }
            Boolean jvm = mapsMentionLibjvm(new File(dir, "maps"));
            if (jvm != null) {
                if (jvm) {
                    return;
                }
                throw new Failure("process " + pid + " (" + commandOf(dir) + ") is not a Java virtual machine;"
                        + " nothing was sent to it");
            }
        }
        if (!listed(pid)) {
            throw new Failure("process " + pid + " is not a Java virtual machine this user can attach to"
                    + " (not listed by the attach API: another user's JVM? started with -XX:-UsePerfData?);"
                    + " nothing was sent to it");
        }
    }

    /** @return null when the file cannot be read */
    private static Boolean mapsMentionLibjvm(File maps) {
        try {
            for (String line : Files.readAllLines(maps.toPath(), StandardCharsets.ISO_8859_1)) {
                if (line.endsWith("/libjvm.so") || line.contains("/libjvm.so ")) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String commandOf(File procDir) {
        try {
            byte[] cmdline = Files.readAllBytes(new File(procDir, "cmdline").toPath());
            String s = new String(cmdline, StandardCharsets.UTF_8).replace('\0', ' ').trim();
            // another user's command line: escaped as the log escapes it before it is printed
            return dev.lifeline.report.Log.escapeLine(s.length() > 80 ? s.substring(0, 77) + "..." : s);
        } catch (IOException | RuntimeException e) {
            return "command unknown";
        }
    }

    private static boolean listed(String pid) {
        try {
            Class<?> vmClass = vmClass();
            List<?> descriptors = (List<?>) vmClass.getMethod("list").invoke(null);
            Class<?> descriptor = Class.forName("com.sun.tools.attach.VirtualMachineDescriptor");
            Method id = descriptor.getMethod("id");
            for (Object d : descriptors) {
                if (pid.equals(id.invoke(d))) {
                    return true;
                }
            }
            return false;
        } catch (Failure | ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    private static Class<?> vmClass() throws Failure {
        try {
            return Class.forName("com.sun.tools.attach.VirtualMachine");
        } catch (ClassNotFoundException e) {
            throw new Failure("this Java has no attach API (module jdk.attach); run the command with a full JDK's java");
        }
    }

    /**
     * The JVMs the attach API lists on this host (their {@code hsperfdata} files: no JVM is contacted), as
     * {PID, display name}; the display name is the JVM's command: main class or jar, then its arguments.
     */
    static List<String[]> list() throws Failure {
        Class<?> vmClass = vmClass();
        try {
            List<?> descriptors = (List<?>) vmClass.getMethod("list").invoke(null);
            Class<?> descriptor = Class.forName("com.sun.tools.attach.VirtualMachineDescriptor");
            Method id = descriptor.getMethod("id");
            Method name = descriptor.getMethod("displayName");
            List<String[]> out = new java.util.ArrayList<String[]>();
            for (Object d : descriptors) {
                out.add(new String[]{(String) id.invoke(d), (String) name.invoke(d)});
            }
            return out;
        } catch (InvocationTargetException e) {
            throw new Failure("listing the JVMs failed: " + describe(e.getCause()));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new Failure("listing the JVMs failed: " + describe(e));
        }
    }

    /**
     * Runs a diagnostic command in the target, as {@code jcmd PID COMMAND} does, over this attach connection; its
     * output is {@code sink}'s, line by line. {@code HotSpotVirtualMachine.executeJCmd} is in a package
     * {@code jdk.attach} does not export: the jar's manifest exports it to {@code java -jar} ({@code Add-Exports}).
     */
    void jcmd(String command, Lines sink) throws Failure {
        Bounded.step("running jcmd " + command + " in " + pid);
        java.io.InputStream in;
        try {
            Method execute = Class.forName("sun.tools.attach.HotSpotVirtualMachine").getMethod("executeJCmd", String.class);
            in = (java.io.InputStream) execute.invoke(vm, command);
        } catch (InvocationTargetException e) {
            throw new Failure("jcmd " + command + " in " + pid + " failed: " + describe(e.getCause()), true);
        } catch (IllegalAccessException e) {
            throw new Failure("jcmd " + command + " cannot run from this java: run the command as java -jar"
                    + " lifeline-agent.jar (its manifest exports jdk.attach/sun.tools.attach)");
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new Failure("jcmd " + command + " in " + pid + " failed: " + describe(e), true);
        }
        try {
            Lines.split(in, sink);
        } catch (IOException e) {
            throw new Failure("reading the output of jcmd " + command + " in " + pid + " failed: " + describe(e), true);
        } finally {
            try {
                in.close();
            } catch (IOException ignored) {
                // the connection ends with the target's answer
            }
        }
    }

    /** Receives a command's output one line at a time (a class list can be megabytes: never held whole). */
    interface Lines {
        void line(String line);

        /**
         * Reads {@code in} to its end. The attach API's stream returns short reads when asked to fill a buffer from an
         * offset ({@code readAllBytes} stopped at 4096 bytes on JDK 17), so each read starts at 0.
         */
        static void split(java.io.InputStream in, Lines sink) throws IOException {
            byte[] buf = new byte[8192];
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            int n;
            while ((n = in.read(buf, 0, buf.length)) >= 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] == '\n') {
                        sink.line(new String(line.toByteArray(), StandardCharsets.UTF_8));
                        line.reset();
                    } else {
                        line.write(buf[i]);
                    }
                }
            }
            if (line.size() > 0) {
                sink.line(new String(line.toByteArray(), StandardCharsets.UTF_8));
            }
        }
    }

    /** Checks PID (see {@link #checkIsJvm}) and attaches. */
    static TargetJvm attach(String pid) throws Failure {
        checkIsJvm(pid);
        Class<?> vmClass = vmClass();
        Bounded.step("attaching to " + pid + " (attach API)");
        try {
            return new TargetJvm(vmClass, vmClass.getMethod("attach", String.class).invoke(null, pid), pid);
        } catch (InvocationTargetException e) {
            throw new Failure("attach to " + pid + " failed: " + describe(e.getCause())
                    + " (same user as the target JVM? -XX:+DisableAttachMechanism set?)");
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new Failure("attach to " + pid + " failed: " + describe(e));
        }
    }

    void loadAgent(String jar, String args) throws Failure {
        Bounded.step("loading the agent into " + pid);
        try {
            vmClass.getMethod("loadAgent", String.class, String.class).invoke(vm, jar, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            String name = cause == null ? "" : cause.getClass().getName();
            // the agent's own agentmain never throws; an AgentInitializationException with a status is the JVM's word
            throw new Failure("loading the agent into " + pid + " failed: " + describe(cause)
                    + (name.endsWith("AgentLoadException") ? " (is the jar readable by the target's user?)" : ""), true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new Failure("loading the agent into " + pid + " failed: " + describe(e), true);
        }
    }

    /**
     * Starts the target's local management agent (as {@code jcmd PID ManagementAgent.start_local} does: a JMX
     * connector reachable only from this machine, no port opened to the network) and returns its address.
     */
    String localJmxAddress() throws Failure {
        Bounded.step("starting the local JMX connector in " + pid);
        try {
            try {
                Method start = vmClass.getMethod("startLocalManagementAgent"); // JDK 9+
                return (String) start.invoke(vm);
            } catch (NoSuchMethodException java8) {
                String address = agentProperties().getProperty(LOCAL_CONNECTOR);
                if (address == null) {
                    String home = systemProperties0().getProperty("java.home");
                    File agent = new File(home, "lib" + File.separator + "management-agent.jar");
                    vmClass.getMethod("loadAgent", String.class).invoke(vm, agent.getAbsolutePath());
                    address = agentProperties().getProperty(LOCAL_CONNECTOR);
                }
                if (address == null) {
                    throw new Failure("the local management agent of " + pid + " gave no connector address");
                }
                return address;
            }
        } catch (InvocationTargetException e) {
            throw new Failure("starting the local management agent (JMX, local only) in " + pid + " failed: "
                    + describe(e.getCause()), true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new Failure("starting the local management agent (JMX, local only) in " + pid + " failed: "
                    + describe(e), true);
        }
    }

    private Properties agentProperties() throws ReflectiveOperationException {
        return (Properties) vmClass.getMethod("getAgentProperties").invoke(vm);
    }

    private Properties systemProperties0() throws ReflectiveOperationException {
        return (Properties) vmClass.getMethod("getSystemProperties").invoke(vm);
    }

    /** The target's system properties (attach API: no JMX needed). */
    Properties systemProperties() throws Failure {
        Bounded.step("reading the system properties of " + pid);
        try {
            return systemProperties0();
        } catch (InvocationTargetException e) {
            throw new Failure("reading the system properties of " + pid + " failed: " + describe(e.getCause()), true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new Failure("reading the system properties of " + pid + " failed: " + describe(e), true);
        }
    }

    /**
     * Where the target turns JMX off, as far as this command can see it: its {@code -Dlifeline.jmx.enabled}, else its
     * {@code LIFELINE_JMX_ENABLED} at start ({@code /proc/PID/environ}); null when neither says false.
     */
    String jmxDisabledBy(Properties props) {
        String p = props.getProperty("lifeline.jmx.enabled");
        if (p != null) {
            return p.trim().equalsIgnoreCase("false") ? "system property lifeline.jmx.enabled" : null;
        }
        try {
            byte[] env = Files.readAllBytes(new File("/proc/" + pid + "/environ").toPath());
            for (String v : new String(env, StandardCharsets.UTF_8).split("\0")) {
                if (v.startsWith("LIFELINE_JMX_ENABLED=")) {
                    return v.substring(21).trim().equalsIgnoreCase("false") ? "environment LIFELINE_JMX_ENABLED" : null;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or another user's process: not known
        }
        return null;
    }

    @Override
    public void close() {
        try {
            vmClass.getMethod("detach").invoke(vm);
        } catch (ReflectiveOperationException | RuntimeException ignored) {
            // the target went away; nothing to release
        }
    }

    static String describe(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        return t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /** This jar, as the agent to load: the command must run as {@code java -jar lifeline-agent.jar}. */
    static String agentJar() {
        try {
            File f = new File(TargetJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return f.isFile() ? f.getAbsolutePath() : null;
        } catch (Exception e) {
            return null;
        }
    }
}
