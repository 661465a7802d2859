package dev.lifeline.instrument;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class InstalledTypesTest {
    @Test
    void theAttachRetransformListNamesExactlyTheInstrumentedTypes() {
        Set<String> instrumented = SshTransformers.instrumentations().stream().map(TypeInstrumentation::typeName)
                .collect(Collectors.toSet());
        assertThat(Installer.INSTRUMENTED_TYPES).isEqualTo(instrumented);
    }

    @Test
    void onlySshLibraryClassesReachByteBuddy() {
        assertThat(Installer.isSshClass("com/jcraft/jsch/Session")).isTrue();
        assertThat(Installer.isSshClass("org/apache/sshd/client/SshClient")).isTrue();
        assertThat(Installer.isSshClass("java/lang/String")).isFalse();
        assertThat(Installer.isSshClass(null)).isFalse();
    }
}
