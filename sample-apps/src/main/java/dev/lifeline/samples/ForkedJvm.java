package dev.lifeline.samples;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sample app in its own JVM, with or without {@code -javaagent}: its output collected line by line, waits on
 * conditions with deadlines, and the whole process tree destroyed on {@link #close()}. Used by the demo and the tests.
 */
public final class ForkedJvm implements AutoCloseable {
    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)");

    private final Process process;
    private final String name;
    private final List<String> stdout = new ArrayList<String>();
    private final List<String> stderr = new ArrayList<String>();
    private final List<String> all = new ArrayList<String>();
    private final long startNanos = System.nanoTime();

    private ForkedJvm(Process process, String name, String echoPrefix) {
        this.process = process;
        this.name = name;
        pump(process.getInputStream(), stdout, echoPrefix);
        pump(process.getErrorStream(), stderr, echoPrefix);
    }

    public static Builder builder(String mainClass) {
        return new Builder(mainClass);
    }

    public static final class Builder {
        private final String mainClass;
        private Path javaHome = Paths.get(System.getProperty("java.home"));
        private final List<String> classpath = new ArrayList<String>();
        private final List<String> jvmArgs = new ArrayList<String>();
        private final List<String> args = new ArrayList<String>();
        private final Map<String, String> env = new LinkedHashMap<String, String>();
        private String agent;
        private String echoPrefix;
        private boolean keepStdin;
        private File directory;

        private Builder(String mainClass) {
            this.mainClass = mainClass;
        }

        public Builder javaHome(Path home) {
            javaHome = home;
            return this;
        }

        /** Entries as the JVM takes them; {@code dir/*} for every jar in dir. */
        public Builder classpath(String... entries) {
            classpath.addAll(Arrays.asList(entries));
            return this;
        }

        /** {@code -javaagent:JAR[=ARGS]}; {@code args} may be null. */
        public Builder agent(Path jar, String agentArgs) {
            agent = "-javaagent:" + jar.toAbsolutePath() + (agentArgs == null || agentArgs.isEmpty() ? "" : "=" + agentArgs);
            return this;
        }

        /** {@code -Dkey=value} for the child. */
        public Builder sysprop(String key, String value) {
            jvmArgs.add("-D" + key + "=" + value);
            return this;
        }

        public Builder jvmArg(String arg) {
            jvmArgs.add(arg);
            return this;
        }

        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        public Builder args(String... a) {
            args.addAll(Arrays.asList(a));
            return this;
        }

        /** The child's working directory; by default this JVM's. */
        /** Keeps the app's stdin open so the test can {@link ForkedJvm#send} it lines (a trigger). */
        public Builder keepStdin() {
            this.keepStdin = true;
            return this;
        }

        public Builder directory(Path dir) {
            directory = dir.toFile();
            return this;
        }

        /** Echo every line of the child with this prefix (null: silent). */
        public Builder echo(String prefix) {
            echoPrefix = prefix;
            return this;
        }

        public ForkedJvm start() throws IOException {
            List<String> cmd = new ArrayList<String>();
            cmd.add(javaHome.resolve("bin").resolve("java").toString());
            if (agent != null) {
                cmd.add(agent);
            }
            cmd.addAll(jvmArgs);
            StringBuilder cp = new StringBuilder();
            for (String e : classpath) {
                if (cp.length() > 0) {
                    cp.append(File.pathSeparatorChar);
                }
                cp.append(e);
            }
            cmd.add("-cp");
            cmd.add(cp.toString());
            cmd.add(mainClass);
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().putAll(env);
            pb.directory(directory);
            Process p = pb.start();
            if (!keepStdin) {
                p.getOutputStream().close();
            }
            String simple = mainClass.substring(mainClass.lastIndexOf('.') + 1);
            return new ForkedJvm(p, simple, echoPrefix);
        }
    }

    private void pump(final InputStream in, final List<String> sink, final String echoPrefix) {
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (ForkedJvm.this) {
                            sink.add(line);
                            all.add(line);
                            ForkedJvm.this.notifyAll();
                        }
                        if (echoPrefix != null) {
                            System.out.println(echoPrefix + line);
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            }
        }, "forked-jvm-pump-" + name);
        t.setDaemon(true);
        t.start();
    }

    /** The app's process id, e.g. to attach to it. */
    public long pid() {
        try {
            return (Long) Process.class.getMethod("pid").invoke(process); // Java 9+; this class compiles for 8
        } catch (Exception e) {
            throw new IllegalStateException("process id needs Java 9+", e);
        }
    }

    /** Writes one line to the app's stdin (started with {@link Builder#keepStdin()}). */
    public void send(String line) throws IOException {
        java.io.OutputStream o = process.getOutputStream();
        o.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        o.flush();
    }

    public String name() {
        return name;
    }

    public synchronized List<String> stdout() {
        return new ArrayList<String>(stdout);
    }

    public synchronized List<String> stderr() {
        return new ArrayList<String>(stderr);
    }

    /** Both streams, in arrival order. */
    public synchronized String output() {
        StringBuilder b = new StringBuilder();
        for (String l : all) {
            b.append(l).append('\n');
        }
        return b.toString();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long elapsedMillis() {
        return (System.nanoTime() - startNanos) / 1000000L;
    }

    /** The first line on either stream that matches, waiting at most {@code timeoutMillis}. */
    public synchronized String awaitLine(Pattern pattern, long timeoutMillis) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            for (String l : all) {
                if (pattern.matcher(l).find()) {
                    return l;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException("no line matching " + pattern + " within " + timeoutMillis + " ms from "
                        + name + "; output so far:\n" + output());
            }
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
    }

    public String awaitLine(Pattern pattern, Duration timeout) throws TimeoutException, InterruptedException {
        return awaitLine(pattern, timeout.toMillis());
    }

    /** Exit code, once the process ended and its output was read; TimeoutException if it is still running. */
    public int awaitExit(long timeoutMillis) throws TimeoutException, InterruptedException {
        if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            throw new TimeoutException(name + " still running after " + timeoutMillis + " ms; output so far:\n" + output());
        }
        try {
            awaitLine(Pattern.compile("^RESULT "), 2000);
        } catch (TimeoutException noResultLine) {
            // a crash prints none: the caller looks at output()
        }
        return process.exitValue();
    }

    public int awaitExit(Duration timeout) throws TimeoutException, InterruptedException {
        return awaitExit(timeout.toMillis());
    }

    /** The raw {@code RESULT ...} line, or null if the app has not printed it (yet, or ever: it crashed or hangs). */
    public synchronized String resultLine() {
        for (String l : stdout) {
            if (l.startsWith("RESULT ")) {
                return l;
            }
        }
        return null;
    }

    /** The fields of the {@code RESULT} line, or an empty map if there is none yet. */
    public synchronized Map<String, String> result() {
        Map<String, String> fields = new LinkedHashMap<String, String>();
        String line = resultLine();
        if (line != null) {
            Matcher m = FIELD.matcher(line);
            while (m.find()) {
                String v = m.group(2);
                fields.put(m.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
            }
        }
        return fields;
    }

    /** Kills the child and its descendants; safe to call when it already ended. */
    @Override
    public void close() {
        ProcessTree.destroy(process);
    }
}
