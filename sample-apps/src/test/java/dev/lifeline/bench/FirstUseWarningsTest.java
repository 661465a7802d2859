package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13: the first SSH use under the agent prints nothing but Lifeline's own lines, on every JDK of the bench (on
 * JDK 25 the previous core's class injector printed a 4-line {@code sun.misc.Unsafe} warning there).
 */
class FirstUseWarningsTest {
    @RegisterExtension
    static final OpenSshExtension SSHD = OpenSshExtension.builder().build();

    static List<Arguments> cells() {
        List<Arguments> cells = new ArrayList<>();
        for (Path jdk : Bench.jdks()) {
            cells.add(Arguments.of(Library.JSCH_MWIEDE, jdk));
            cells.add(Arguments.of(Library.SSHD, jdk));
        }
        return cells;
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cells")
    void firstConnectPrintsNoJvmWarning(Library lib, Path jdk) throws Exception {
        try (ForkedJvm app = Bench.withAgent(Bench.app(lib.execApp(), lib, jdk), null).args(SSHD.server().target("true")).start()) {
            app.awaitExit(60_000);
            assertThat(app.result()).containsEntry("status", "ok");
            assertThat(app.stderr()).anyMatch(l -> l.contains("event=session.configured"));
            assertThat(app.stderr()).noneMatch(l -> l.contains("WARNING") || l.contains("Unsafe") || l.contains("Exception"));
        }
    }
}
