package dev.lifeline.sshd;

import dev.lifeline.config.Config;
import dev.lifeline.config.Policy;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.report.Counters;
import dev.lifeline.report.Log;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 28: a refused connect on MINA 2.14's real {@code DefaultConnectFuture}, whose {@code getSession()} rethrows the
 * connect's failure. Lifeline's connect listener must cancel the connect deadline at once and leave no line in the
 * application's log (MINA logs a listener that throws as a WARN), and the deadline, were it to fire on that future,
 * must see a connect that failed on its own, not fail itself ({@code connect.deadline-failed}).
 */
class RefusedConnectTest {
    private static final Path MINA = Paths.get(System.getProperty("lifeline.libs", "target/libs"), "sshd-2.14.0");
    private static final Path SLF4J_SIMPLE = Paths.get("target", "test-logging");
    private static final String SIMPLE_LOG_FILE = "org.slf4j.simpleLogger.logFile";

    @TempDir
    Path dir;

    @AfterEach
    void restore() {
        Log.useFile(null);
        System.clearProperty(SIMPLE_LOG_FILE);
    }

    @Test
    void aRefusedConnectCancelsTheDeadlineAtOnceAndLeavesTheAppsLogAlone() throws Exception {
        Path appLog = dir.resolve("app.log");
        Path lifelineLog = dir.resolve("lifeline.log");
        // MINA logs through SLF4J: slf4j-simple in MINA's loader writes the app's log here
        System.setProperty(SIMPLE_LOG_FILE, appLog.toString());
        Log.useFile(lifelineLog.toString());
        long ownFailures = Counters.Counter.INTERNAL_ERRORS.get();
        int cancelledAsItFailed;
        try (URLClassLoader mina = new URLClassLoader(jars(), null)) {
            Object future = mina.loadClass("org.apache.sshd.client.future.DefaultConnectFuture")
                    .getConstructor(Object.class, Object.class).newInstance("127.0.0.1:1", null);
            AtomicInteger cancelled = new AtomicInteger();
            DeadlineScheduler.Deadline deadline = cancelled::incrementAndGet;
            SshdConnectDeadline.cancelWhenAuthenticated(future, deadline);

            // what SshClient does when the TCP connect is refused
            future.getClass().getMethod("setException", Throwable.class).invoke(future, new ConnectException("Connection refused"));
            assertThat(future.getClass().getMethod("getException").invoke(future)).as("the connect failed (the fault is real)")
                    .isInstanceOf(ConnectException.class);

            cancelledAsItFailed = cancelled.get();
            Policy policy = Config.load("connect.timeout=3s", Collections.emptyMap(), Collections.emptyMap())
                    .policyFor("127.0.0.1", null, 1);
            SshdConnectDeadline.fire(policy, future, 3000, 3000); // were it to fire all the same
        }
        assertThat(Files.exists(appLog) ? Files.readAllLines(appLog) : Collections.<String>emptyList())
                .as("the application's log").noneMatch(l -> l.contains("lifeline") || l.contains("WARN"));
        assertThat(Files.exists(lifelineLog) ? Files.readAllLines(lifelineLog) : Collections.<String>emptyList())
                .as("Lifeline's log").noneMatch(l -> l.contains("level=warn") || l.contains("level=error"));
        assertThat(Counters.Counter.INTERNAL_ERRORS.get()).as("own failures").isEqualTo(ownFailures);
        assertThat(cancelledAsItFailed).as("the deadline is cancelled as the connect fails").isEqualTo(1);
    }

    /** MINA 2.14.0 as agent/pom.xml copies it, with slf4j-simple in place of slf4j-nop so that its log is seen. */
    private static URL[] jars() throws Exception {
        List<URL> out = new ArrayList<>();
        for (Path d : new Path[]{MINA, SLF4J_SIMPLE}) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(d, "*.jar")) {
                for (Path f : files) {
                    if (!f.getFileName().toString().startsWith("slf4j-nop")) {
                        out.add(f.toUri().toURL());
                    }
                }
            }
        }
        assertThat(out).as("MINA 2.14.0 and slf4j-simple copied by agent/pom.xml").hasSizeGreaterThanOrEqualTo(4);
        return out.toArray(new URL[0]);
    }
}
