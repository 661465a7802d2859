package dev.lifeline.bench;

import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

import java.util.Comparator;
import java.util.List;

/**
 * The order the test classes start in (junit-platform.properties): the classes that took longest on CI first, then the
 * rest by name. Classes run three at a time; a long class that started last would run on alone at the end. A class
 * missing here only starts later; add one that takes over a minute.
 */
public final class LongestClassesFirst implements ClassOrderer {
    /** Longest first, as measured on CI (target/surefire-reports, the time of each testsuite). */
    static final List<String> LONGEST = List.of(
            "MatrixTest", "StuckNowAttachTest", "Ssh2FamilyTest", "TopologyTest", "OsgiBundlesTest", "UnansweredKeepaliveTest",
            "RekeyKeepaliveTest", "SftpTimeoutTest", "LocalForwardTest", "SshdKeepaliveTest", "SshjAgentTest", "DemoTest", "ConnectDeadlineTest", "ExecDeadlineTest",
            "CountersTest", "JschKeepaliveTest", "ExecDeadlineScaleTest", "CloseDeadlineTest", "BenchFixturesTest",
            "SshdOldVersionsTest", "ForgetfulFirewallTest", "FaultInjectionTest", "SessionsCommandTest", "JgitTest",
            "ClassLoaderTest", "SftpIntegrityTest", "SftpDeadPeerTest");

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator.comparingInt(LongestClassesFirst::rank)
                .thenComparing(d -> d.getTestClass().getSimpleName()));
    }

    private static int rank(ClassDescriptor d) {
        int i = LONGEST.indexOf(d.getTestClass().getSimpleName());
        return i < 0 ? LONGEST.size() : i;
    }
}
