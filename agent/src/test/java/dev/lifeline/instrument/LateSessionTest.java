package dev.lifeline.instrument;

import dev.lifeline.runtime.Libraries;
import dev.lifeline.report.Log;
import dev.lifeline.sshd.SshdModule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.reflect.Constructor;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MINA 2.7's NIO2 connect future ({@code SshdModule.LEGACY_IO_FUTURE}), the real class from the library jar: a session handed to it after it failed (a TCP
 * connect completing just after Lifeline's connect deadline fired) is kept by nobody. Unwoven, the future drops it
 * and nothing closes it (the control); woven, it is closed with one line. A session handed to a future still waiting
 * is the normal case and is left alone.
 */
class LateSessionTest {
    private static final Path MINA_2_7 = Paths.get(System.getProperty("lifeline.libs", "target/libs"), "sshd-2.7.0");

    @TempDir
    Path dir;

    @AfterEach
    void stderrAgain() {
        Log.useFile(null);
    }

    @Test
    void aSessionHandedToAFutureThatAlreadyFailedIsClosed() throws Exception {
        Path log = dir.resolve("log");
        Log.useFile(log.toString());
        try (URLClassLoader plain = new URLClassLoader(jars(), null); Woven woven = new Woven(jars())) {
            AtomicInteger closedByControl = new AtomicInteger();
            lateSession(plain, closedByControl);
            assertThat(closedByControl).as("without the hook nothing closes the late session").hasValue(0);

            AtomicInteger closed = new AtomicInteger();
            lateSession(woven, closed);
            assertThat(closed).hasValue(1);
            assertThat(Files.readAllLines(log)).filteredOn(l -> l.contains("event=connect.late-session-closed"))
                    .hasSize(1).allMatch(l -> l.contains("lib=sshd") && l.contains("remote=/127.0.0.1:2222"));

            AtomicInteger closedOnTime = new AtomicInteger();
            Object future = newFuture(woven);
            future.getClass().getMethod("setSession", woven.loadClass("org.apache.sshd.common.io.IoSession"))
                    .invoke(future, session(woven, closedOnTime));
            assertThat(closedOnTime).as("a session that arrives in time is the app's").hasValue(0);
        }
    }

    /** The race: the deadline fails the future, then the TCP connect completes and MINA hands over its session. */
    private static void lateSession(ClassLoader mina, AtomicInteger closed) throws Exception {
        Object future = newFuture(mina);
        future.getClass().getMethod("setException", Throwable.class).invoke(future, new SocketTimeoutException("connect.timeout"));
        future.getClass().getMethod("setSession", mina.loadClass("org.apache.sshd.common.io.IoSession"))
                .invoke(future, session(mina, closed));
        assertThat(future.getClass().getMethod("getSession").invoke(future)).as("the failed future keeps no session").isNull();
    }

    private static Object newFuture(ClassLoader mina) throws Exception {
        Constructor<?> c = mina.loadClass(SshdModule.LEGACY_IO_FUTURE).getConstructor(Object.class, Object.class);
        return c.newInstance("127.0.0.1:2222", null);
    }

    /** An IoSession that counts {@code close(true)}. */
    private static Object session(ClassLoader mina, AtomicInteger closed) throws Exception {
        Class<?> type = mina.loadClass("org.apache.sshd.common.io.IoSession");
        return Proxy.newProxyInstance(mina, new Class<?>[]{type}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "close":
                    closed.incrementAndGet();
                    return null;
                case "getRemoteAddress":
                    return new InetSocketAddress("127.0.0.1", 2222);
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                case "toString":
                    return "stand-in IoSession";
                default:
                    return null;
            }
        });
    }

    private static URL[] jars() throws Exception {
        List<URL> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(MINA_2_7, "*.jar")) {
            for (Path f : files) {
                out.add(f.toUri().toURL());
            }
        }
        assertThat(out).as("MINA 2.7.0 copied by agent/pom.xml").isNotEmpty();
        return out.toArray(new URL[0]);
    }

    /** MINA's classes from the jars, the future woven by the agent's transformer; Lifeline's from the test loader. */
    private static final class Woven extends URLClassLoader {
        private final ClassFileTransformer transformer = new SshTransformer(Libraries.all());

        Woven(URL[] jars) {
            super(jars, LateSessionTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && name.startsWith("org.apache.sshd.")) {
                    try (InputStream in = getResourceAsStream(name.replace('.', '/') + ".class")) {
                        if (in == null) {
                            throw new ClassNotFoundException(name);
                        }
                        byte[] bytes = in.readAllBytes();
                        byte[] out = transformer.transform(this, name.replace('.', '/'), null, null, bytes);
                        byte[] b = out != null ? out : bytes;
                        c = defineClass(name, b, 0, b.length);
                    } catch (java.io.IOException | java.lang.instrument.IllegalClassFormatException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                return c != null ? c : super.loadClass(name, resolve);
            }
        }
    }
}
