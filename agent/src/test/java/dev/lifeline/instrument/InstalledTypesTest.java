package dev.lifeline.instrument;

import dev.lifeline.runtime.Libraries;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The modules' declarations agree with the hook classes and with what the weaver can do. */
class InstalledTypesTest {
    @Test
    void theAttachRetransformListIsDerivedFromTheModules() {
        Set<String> declared = new HashSet<>();
        for (InstrumentationModule m : Libraries.all()) {
            for (InstrumentedType t : m.types()) {
                declared.add(t.className());
                assertThat(t.internalName()).startsWith(m.packagePrefix());
            }
        }
        assertThat(new SshTransformer(Libraries.all()).instrumentedClassNames()).isEqualTo(declared)
                .contains("com.jcraft.jsch.Session", "org.apache.sshd.client.SshClient");
    }

    @Test
    void everyHookMethodExistsWithTheDescriptorTheWeaverCalls() throws Exception {
        int hooks = 0;
        for (InstrumentationModule m : Libraries.all()) {
            for (InstrumentedType t : m.types()) {
                for (Hook h : t.hookList()) {
                    assertThat(h.problem(false)).as(h.toString()).isNull();
                    Class<?> hookClass = Class.forName(h.hookClass.replace('/', '.'));
                    // the module's own, or (the Ganymed family) the hook class its two libraries share
                    assertThat(hookClass == m.hookClass() || hookClass == dev.lifeline.ssh2family.Ssh2Hooks.class)
                            .as(h + " calls " + hookClass).isTrue();
                    if (h.isCallSite()) {
                        assertHook(hookClass, h.enter, h.redirectDescriptor());
                        hooks++;
                    } else if (h.enter != null) {
                        assertHook(hookClass, h.enter, h.enterDescriptor(h.isConstructor()));
                        hooks++;
                    }
                    if (h.exit != null) {
                        assertHook(hookClass, h.exit, h.exitDescriptor());
                        hooks++;
                    }
                }
            }
        }
        assertThat(hooks).isGreaterThanOrEqualTo(20);
    }

    private static void assertHook(Class<?> hookClass, String name, String descriptor) {
        for (Method method : hookClass.getMethods()) {
            if (method.getName().equals(name) && descriptorOf(method).equals(descriptor)) {
                assertThat(Modifier.isStatic(method.getModifiers())).isTrue();
                return;
            }
        }
        throw new AssertionError(hookClass.getName() + "." + name + descriptor + " not found");
    }

    static String descriptorOf(Method m) {
        StringBuilder d = new StringBuilder("(");
        for (Class<?> p : m.getParameterTypes()) {
            d.append(p.descriptorString());
        }
        return d.append(')').append(m.getReturnType().descriptorString()).toString();
    }

    @Test
    void uncoveredLibrariesAreTheKnownOnesNoModuleCovers() {
        assertThat(UncoveredLibraries.without(new String[]{"com/jcraft/jsch/"}).length).isEqualTo(2);
        assertThat(UncoveredLibraries.without(new String[]{"com/trilead/ssh2/"}).length).isEqualTo(1);
        java.util.List<String> covered = new java.util.ArrayList<>();
        for (InstrumentationModule m : Libraries.all()) {
            covered.add(m.packagePrefix());
        }
        assertThat(UncoveredLibraries.without(covered.toArray(new String[0]))).as("Trilead and Ganymed covered (issue 26)").isEmpty();
    }

    @Test
    void libraryVersionFromTheJarName() {
        assertThat(LibraryVersion.fromPath("/m2/com/github/mwiede/jsch/2.28.8/jsch-2.28.8.jar")).isEqualTo("2.28.8");
        assertThat(LibraryVersion.fromPath("/libs/sshd-common-2.14.0.jar")).isEqualTo("2.14.0");
        assertThat(LibraryVersion.fromPath("/app/classes/")).isEqualTo("unknown");
        assertThat(LibraryVersion.fromPath("/app/app.jar!/BOOT-INF/lib/jsch-0.1.55.jar!/")).isEqualTo("0.1.55");
        // Trilead's names (issue 26): Maven's, Debian's maven-repo copy of Jenkins' fork, the Jenkins plugin's
        assertThat(LibraryVersion.fromPath("/libs/trilead-ssh2-1.0.0-build222.jar")).isEqualTo("1.0.0-build222");
        assertThat(LibraryVersion.fromPath("/libs/trilead-ssh2-build217-jenkins-8.jar")).isEqualTo("build217-jenkins-8");
        assertThat(LibraryVersion.fromPath("/WEB-INF/lib/trilead-ssh2-build-217-jenkins-293.vd7b_7f0e2dffe.jar"))
                .isEqualTo("build-217-jenkins-293.vd7b_7f0e2dffe");
        assertThat(LibraryVersion.fromPath("/libs/ganymed-ssh2-262.jar")).isEqualTo("262");
        assertThat(LibraryVersion.fromPath("/libs/buildtools-1.2.jar")).isEqualTo("1.2");
    }
}
