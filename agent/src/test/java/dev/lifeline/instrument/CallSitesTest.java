package dev.lifeline.instrument;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 24: the evidence sshj's channels found at attach are judged by (sshj's {@code SessionChannel} is an exec and a
 * shell alike; the app's call site says which it holds): what one source line of a method invokes, on its own class
 * file. Each probe below records its frame on the same line as the call it makes.
 */
class CallSitesTest {
    private static final String COMMAND = "dev/lifeline/instrument/CallSitesTest$Command";
    private static final List<ClassLoader> LOADERS = Arrays.asList(CallSitesTest.class.getClassLoader());

    interface Channel {
        void join();
    }

    interface Command extends Channel {
    }

    interface Shell extends Channel {
    }

    static final class SessionChannel implements Command, Shell {
        @Override
        public void join() {
        }
    }

    private static StackTraceElement joinAsCommand(Command c) {
        StackTraceElement here = new Throwable().getStackTrace()[0]; c.join(); return here; // one line: the frame's
    }

    private static StackTraceElement joinAsShell(Shell s) {
        StackTraceElement here = new Throwable().getStackTrace()[0]; s.join(); return here;
    }

    private static StackTraceElement joinOnTheNextLine(Command c) {
        StackTraceElement here = new Throwable().getStackTrace()[0];
        c.join();
        return here;
    }

    @Test
    void aLineThatJoinsAsACommandIsToldFromOneThatJoinsAsAShell() {
        SessionChannel ch = new SessionChannel();
        assertThat(CallSites.lineInvokes(joinAsCommand(ch), LOADERS, COMMAND, "join")).isTrue();
        assertThat(CallSites.lineInvokes(joinAsShell(ch), LOADERS, COMMAND, "join")).isFalse();
        assertThat(CallSites.lineInvokes(joinAsShell(ch), LOADERS, "dev/lifeline/instrument/CallSitesTest$Shell", "join"))
                .isTrue();
        // the call on another line of the same method is not this line's
        assertThat(CallSites.lineInvokes(joinOnTheNextLine(ch), LOADERS, COMMAND, "join")).isFalse();
    }

    @Test
    void noEvidenceWithoutLineNumbersClassOrBytes() {
        StackTraceElement here = joinAsCommand(new SessionChannel());
        StackTraceElement noLine = new StackTraceElement(here.getClassName(), here.getMethodName(), null, -1);
        assertThat(CallSites.lineInvokes(noLine, LOADERS, COMMAND, "join")).isFalse();
        StackTraceElement noClass = new StackTraceElement("no.such.Type", "m", "Type.java", 3);
        assertThat(CallSites.lineInvokes(noClass, LOADERS, COMMAND, "join")).isFalse();
        assertThat(CallSites.lineInvokes(new byte[]{1, 2, 3}, "m", 3, COMMAND, "join")).isFalse();
    }

    /** A Ganymed-family app's shape: the method that starts the exec waits on it (methodInvokes). */
    static final class FamilySession {
        void execCommand(String c) {
        }

        void startShell() {
        }

        int waitForCondition() {
            return 0;
        }
    }

    private static final String SESSION = "dev/lifeline/instrument/CallSitesTest$FamilySession";

    private static StackTraceElement execThenWait(FamilySession s) {
        s.execCommand("sleep 1");
        StackTraceElement here = new Throwable().getStackTrace()[0];
        s.waitForCondition();
        return here;
    }

    private static StackTraceElement execThenWait(FamilySession s, boolean shell) { // an overload: its own calls
        s.startShell();
        StackTraceElement here = new Throwable().getStackTrace()[0];
        s.waitForCondition();
        return here;
    }

    @Test
    void whatAMethodInvokesOnAType() {
        FamilySession s = new FamilySession();
        assertThat(CallSites.methodInvokes(execThenWait(s), LOADERS, SESSION)).containsExactly("execCommand", "waitForCondition");
        assertThat(CallSites.methodInvokes(execThenWait(s, true), LOADERS, SESSION)).containsExactly("startShell", "waitForCondition");
        assertThat(CallSites.methodInvokes(execThenWait(s), LOADERS, COMMAND)).isEmpty();
        assertThat(CallSites.methodInvokes(new StackTraceElement("no.such.Type", "m", "Type.java", 3), LOADERS, SESSION)).isEmpty();
    }
}
