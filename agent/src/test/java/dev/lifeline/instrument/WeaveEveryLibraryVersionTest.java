package dev.lifeline.instrument;

import dev.lifeline.runtime.Libraries;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every instrumented class of every library version the agent pom copies to {@code agent/target/libs} (there after a
 * build) is woven by the real transformer and then loaded and linked in a throwaway loader: the JVM's verifier checks
 * the woven code (frames, stack, locals) as it would in an application.
 */
class WeaveEveryLibraryVersionTest {
    /** Copied by this module's pom (generate-test-resources): there in every build, so a missing folder is a failure. */
    static final Path LIBS = Paths.get(System.getProperty("lifeline.libs", "target/libs"));

    @TestFactory
    List<DynamicTest> everyInstrumentedClassWeavesAndVerifies() throws IOException {
        assertThat(LIBS).as("library jars copied by agent/pom.xml").isDirectory();
        List<DynamicTest> tests = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(LIBS)) {
            for (Path dir : dirs) {
                String n = dir.getFileName().toString();
                if (libraryOf(n) != null && !n.endsWith("-mina") && !n.endsWith("-netty")) {
                    tests.add(DynamicTest.dynamicTest(n, () -> weaveAndVerify(dir)));
                }
            }
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(4);
        assertThat(withTransports()).as("MINA versions copied with sshd-mina and sshd-netty").isGreaterThanOrEqualTo(4);
        return tests;
    }

    /** The module a library set under target/libs is for, by the directory's name; null for none. */
    static String libraryOf(String dirName) {
        String[][] prefixes = {{"jsch-", "jsch"}, {"sshj-", "sshj"}, {"sshd-", "sshd"}, {"jgit-", "sshd"},
                {"trilead-", "trilead"}, {"ganymed-", "ganymed"}};
        for (String[] p : prefixes) {
            if (dirName.startsWith(p[0])) {
                return p[1];
            }
        }
        return null;
    }

    /** MINA's optional transports: in their own jars, copied beside sshd-core for the versions they are served for. */
    static final List<String> TRANSPORT_CONNECTORS = java.util.Arrays.asList("org.apache.sshd.mina.MinaConnector", "org.apache.sshd.netty.NettyIoConnector");

    private static int withTransports() throws IOException {
        int n = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(LIBS, "sshd-*")) {
            for (Path dir : dirs) {
                if (hasJar(dir, "sshd-mina-") && hasJar(dir, "sshd-netty-")) {
                    n++;
                }
            }
        }
        return n;
    }

    private static boolean hasJar(Path dir, String prefix) throws IOException {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, prefix + "*.jar")) {
            return jars.iterator().hasNext();
        }
    }

    private static void weaveAndVerify(Path dir) throws Exception {
        List<URL> jars = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jar")) {
            for (Path f : files) {
                jars.add(f.toUri().toURL());
            }
        }
        SshTransformer transformer = new SshTransformer(Libraries.all());
        String dirName = dir.getFileName().toString();
        // JGit's sets bring MINA as sshd-osgi (7.8.1: MINA 2.19; 5.13.5: MINA 2.7)
        String lib = libraryOf(dirName);
        Map<String, byte[]> woven = new HashMap<>();
        try (URLClassLoader library = new URLClassLoader(jars.toArray(new URL[0]), WeaveEveryLibraryVersionTest.class.getClassLoader())) {
            for (InstrumentationModule m : Libraries.all()) {
                if (!m.name().equals(lib)) {
                    continue;
                }
                for (InstrumentedType t : m.types()) {
                    if (TRANSPORT_CONNECTORS.contains(t.className()) && library.findResource(t.internalName() + ".class") == null) {
                        // a MINA version without sshd-mina/sshd-netty copied (2.20.0: not served)
                        assertThat(hasJar(dir, t.className().contains(".mina.") ? "sshd-mina-" : "sshd-netty-")).isFalse();
                        continue;
                    }
                    if (t.className().equals(dev.lifeline.sshd.SshdModule.LEGACY_IO_FUTURE) && library.findResource(t.internalName() + ".class") == null) {
                        // the NIO2 connector's own future is a class of MINA 2.7 and 2.8 only
                        assertThat(dirName).doesNotMatch("sshd-2\\.[78]\\..*|jgit-5\\..*");
                        continue;
                    }
                    if ((t.className().equals(dev.lifeline.sshj.SshjModule.FORWARDED)
                            || t.className().equals(dev.lifeline.sshj.SshjModule.FORWARDED_0_27))
                            && library.findResource(t.internalName() + ".class") == null) {
                        // sshj renamed the forwarded channel's class in 0.28: each name is a class of one side only
                        assertThat(dirName).startsWith("sshj-");
                        continue;
                    }
                    byte[] original = read(library, t.internalName());
                    byte[] out = transformer.transform(library, t.internalName(), null, null, original);
                    assertThat(out).as(t.className() + " woven").isNotNull();
                    woven.put(t.className(), out);
                }
            }
            if (lib.equals("sshd")) {
                String service = new String(woven.get("org.apache.sshd.client.session.ClientConnectionService"), StandardCharsets.ISO_8859_1);
                boolean legacy = dirName.matches("sshd-2\\.([7-9]|1[0-2])\\..*") || dirName.startsWith("jgit-5.");
                assertThat(service.contains("legacyServiceCreating")).as("the 2.7-2.12 line's hook").isEqualTo(legacy);
                assertThat(service).contains(legacy ? "legacyServiceCreating" : "\u000fserviceCreating").contains("heartbeatStarting");
                for (String connector : TRANSPORT_CONNECTORS) {
                    if (woven.containsKey(connector)) {
                        assertThat(new String(woven.get(connector), StandardCharsets.ISO_8859_1)).as(connector).contains("ioConnectStarted");
                    }
                }
            }
        }
        try (WovenLoader loader = new WovenLoader(jars.toArray(new URL[0]), woven)) {
            for (String name : woven.keySet()) {
                Class<?> c = Class.forName(name, false, loader);
                assertThat(c.getClassLoader()).isSameAs(loader);
                forceLink(c);
            }
        }
    }

    /**
     * Initialising a class links it, and linking runs the verifier over every method, the woven ones included: a
     * VerifyError (a LinkageError) fails the test. A static initialiser that fails for other reasons (no network, a
     * missing optional dependency) says nothing about the weaving.
     */
    private static void forceLink(Class<?> c) throws IllegalAccessException {
        try {
            java.lang.invoke.MethodHandles.privateLookupIn(c, java.lang.invoke.MethodHandles.lookup()).ensureInitialized(c);
        } catch (ExceptionInInitializerError | NoClassDefFoundError notAboutWeaving) {
            // the class passed verification before its initialiser ran
        }
    }

    /** From the library's own jars only: the agent's tests have a stand-in {@code net.schmizz.sshj.SSHClient}. */
    private static byte[] read(URLClassLoader loader, String internalName) throws IOException {
        URL url = loader.findResource(internalName + ".class");
        assertThat(url).as(internalName).isNotNull();
        try (InputStream in = url.openStream()) {
            assertThat(in).as(internalName).isNotNull();
            return in.readAllBytes();
        }
    }

    /** Library classes from the jars, child first; the instrumented ones from their woven bytes. */
    static final class WovenLoader extends URLClassLoader {
        private final Map<String, byte[]> woven;

        WovenLoader(URL[] jars, Map<String, byte[]> woven) {
            super(jars, WeaveEveryLibraryVersionTest.class.getClassLoader());
            this.woven = woven;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && (name.startsWith("com.jcraft.jsch.") || name.startsWith("org.apache.sshd.") || name.startsWith("net.schmizz."))) {
                    byte[] b = woven.get(name);
                    c = b != null ? defineClass(name, b, 0, b.length) : findClass(name);
                }
                return c != null ? c : super.loadClass(name, resolve);
            }
        }
    }
}
