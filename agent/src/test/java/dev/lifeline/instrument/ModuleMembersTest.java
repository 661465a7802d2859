package dev.lifeline.instrument;

import dev.lifeline.runtime.Libraries;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every library member a module's code reaches by reflection is declared in its module, so the weave-time shape check
 * ({@link ModuleShape}) has seen it: the library packages do no reflective look-up of their own (their {@code *Api}
 * resolves {@link LibraryMember}s), declare no member outside their {@code *Module}, and every declaration is in the
 * module's {@code members()}. And every required member is there in every library version the project supports.
 */
class ModuleMembersTest {
    /** Look-ups by name that only {@link LibraryMember} may do. */
    static final List<String> LOOKUPS = Arrays.asList(
            "java/lang/Class.forName", "java/lang/Class.getMethod", "java/lang/Class.getMethods",
            "java/lang/Class.getDeclaredMethod", "java/lang/Class.getDeclaredMethods", "java/lang/Class.getField",
            "java/lang/Class.getFields", "java/lang/Class.getDeclaredField", "java/lang/Class.getDeclaredFields",
            "java/lang/Class.getConstructor", "java/lang/Class.getConstructors", "java/lang/Class.getDeclaredConstructor",
            "java/lang/Class.getDeclaredConstructors", "java/lang/ClassLoader.loadClass");
    static final String MEMBER = "dev/lifeline/instrument/LibraryMember";

    @Test
    void everyLookUpInALibraryPackageIsDeclaredInItsModule() throws Exception {
        for (InstrumentationModule m : Libraries.all()) {
            String pkg = m.getClass().getPackage().getName().replace('.', '/');
            List<String> problems = new ArrayList<>();
            List<Object> declared = new ArrayList<>(m.members());
            for (String className : classesOf(pkg)) {
                for (String[] use : uses(className)) {
                    String kind = use[0];
                    String target = use[1];
                    if (kind.equals("call") && LOOKUPS.contains(target)) {
                        problems.add(className + " looks up a member itself (" + target + ")");
                    } else if (kind.equals("static") && target.startsWith(MEMBER + ".") && isFactory(target)
                            && !className.equals(m.getClass().getName().replace('.', '/'))) {
                        problems.add(className + " declares a member outside its module (" + target + ")");
                    } else if (kind.equals("member")) {
                        String owner = target.substring(0, target.indexOf('.'));
                        if (!owner.equals(m.getClass().getName().replace('.', '/'))) {
                            problems.add(className + " uses a member declared in " + owner);
                            continue;
                        }
                        Field f = m.getClass().getDeclaredField(target.substring(target.indexOf('.') + 1));
                        f.setAccessible(true);
                        if (!declared.contains(f.get(null))) {
                            problems.add(className + " uses " + target + ", which " + m.getClass().getSimpleName()
                                    + ".members() leaves out: the shape check never sees it");
                        }
                    }
                }
            }
            for (Field f : m.getClass().getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == LibraryMember.class) {
                    f.setAccessible(true);
                    if (!declared.contains(f.get(null))) {
                        problems.add(m.getClass().getSimpleName() + "." + f.getName() + " is not in members()");
                    }
                }
            }
            assertThat(problems).as(m.name()).isEmpty();
            assertThat(m.members()).as(m.name() + " declares the members it reaches").isNotEmpty();
        }
    }

    /** The scan itself: a class that looks a member up by name is caught. */
    @Test
    void theScanSeesALookUp() throws Exception {
        String self = LooksUp.class.getName().replace('.', '/');
        assertThat(uses(self)).anyMatch(u -> u[0].equals("call") && LOOKUPS.contains(u[1]));
    }

    static final class LooksUp {
        static Object lookUp(Object o) throws Exception {
            return o.getClass().getMethod("close");
        }
    }

    @TestFactory
    List<DynamicTest> everyRequiredMemberIsInEverySupportedVersion() throws IOException {
        Path libs = WeaveEveryLibraryVersionTest.LIBS;
        assertThat(libs).as("library jars copied by agent/pom.xml").isDirectory();
        List<DynamicTest> tests = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(libs)) {
            for (Path dir : dirs) {
                String n = dir.getFileName().toString();
                String lib = WeaveEveryLibraryVersionTest.libraryOf(n);
                if (lib != null) {
                    tests.add(DynamicTest.dynamicTest(n, () -> {
                        List<URL> jars = new ArrayList<>();
                        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.jar")) {
                            for (Path f : files) {
                                jars.add(f.toUri().toURL());
                            }
                        }
                        // the platform loader as parent: the test class path's own copy of a library stays out
                        try (URLClassLoader loader = new URLClassLoader(jars.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
                            for (InstrumentationModule m : Libraries.all()) {
                                if (m.name().equals(lib)) {
                                    assertThat(ModuleShape.missing(m.members(), loader)).as(n).isNull();
                                }
                            }
                        }
                    }));
                }
            }
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(8);
        return tests;
    }

    @Test
    void aMissingMemberIsNamed() throws Exception {
        Path jar = WeaveEveryLibraryVersionTest.LIBS.resolve("jsch-mwiede-2.28.8").resolve("jsch-2.28.8.jar");
        try (URLClassLoader loader = new URLClassLoader(new URL[]{jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            List<LibraryMember> members = Arrays.asList(
                    LibraryMember.method("com.jcraft.jsch.ChannelExec", "getSession", "()Lcom/jcraft/jsch/Session;"), // inherited
                    LibraryMember.field("com.jcraft.jsch.ChannelExec", "session"), // a superclass's
                    LibraryMember.method("com.jcraft.jsch.Session", "noSuchMethod", "()V").optional("test"));
            assertThat(ModuleShape.missing(members, loader)).isNull();
            assertThat(ModuleShape.missing(Arrays.asList(LibraryMember.method("com.jcraft.jsch.Session", "noSuchMethod", "()V")), loader))
                    .isEqualTo("method com.jcraft.jsch.Session.noSuchMethod()V");
            assertThat(ModuleShape.missing(Arrays.asList(LibraryMember.type("com.jcraft.jsch.NoSuchClass")), loader))
                    .isEqualTo("class com.jcraft.jsch.NoSuchClass");
        }
    }

    private static boolean isFactory(String target) {
        String name = target.substring(target.indexOf('.') + 1);
        return Stream.of("type", "method", "field", "constant", "constructor").anyMatch(name::equals);
    }

    /**
     * The main classes of a package (target/classes, where the agent's own classes are), not the test classes of the
     * same package, which come first on the test class path and may use reflection of their own.
     */
    private static List<String> classesOf(String pkg) throws Exception {
        Path main = Paths.get(LibraryMember.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path dir = main.resolve(pkg);
        assertThat(dir).as(pkg).isDirectory();
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".class"))
                    .map(f -> pkg + "/" + f.substring(0, f.length() - ".class".length())).sorted().collect(Collectors.toList());
        }
    }

    /** Each method call ({"call", owner.name}; a LibraryMember factory's "static"), and each read of a LibraryMember field ({"member", owner.name}). */
    private static List<String[]> uses(String internalName) throws IOException {
        List<String[]> out = new ArrayList<>();
        try (InputStream in = ModuleMembersTest.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
            new ClassReader(in).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                            out.add(new String[]{opcode == Opcodes.INVOKESTATIC && owner.equals(MEMBER) ? "static" : "call",
                                    owner + "." + method});
                        }

                        @Override
                        public void visitFieldInsn(int opcode, String owner, String field, String desc) {
                            if (desc.equals("L" + MEMBER + ";") && opcode == Opcodes.GETSTATIC) {
                                out.add(new String[]{"member", owner + "." + field});
                            }
                        }
                    };
                }
            }, 0);
        }
        return out;
    }
}
