package dev.lifeline.instrument;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 24: a thread blocked reading an sshj exec's output holds only an {@code InputStream}; the method that took it
 * says whether it came from a command or a shell, by the type its bytecode calls the getter on. Each probe below stands
 * for such a thread: {@link #blockedRead} records the stack a read blocked in the library would show (its frame first,
 * then the app's), on this test's own class file.
 */
class StreamGetterTest {
    private static final String PREFIX = "dev/lifeline/instrument/StreamGetterTest$";
    private static final String COMMAND = PREFIX + "Command";
    private static final String SHELL = PREFIX + "Shell";
    private static final List<String> OWNERS = Arrays.asList(COMMAND, SHELL);
    private static final List<ClassLoader> LOADERS = Arrays.asList(StreamGetterTest.class.getClassLoader());
    /** The test's own "library": the blocked read's frame below. */
    private static final List<String> LIBRARY = Collections.singletonList(StreamGetterTest.class.getName() + "$Library");

    interface Channel {
        InputStream getInputStream();

        InputStream getErrorStream();
    }

    interface Command extends Channel {
    }

    interface Shell extends Channel {
    }

    static final class SessionChannel implements Command, Shell {
        @Override
        public InputStream getInputStream() {
            return new ByteArrayInputStream(new byte[0]);
        }

        @Override
        public InputStream getErrorStream() {
            return new ByteArrayInputStream(new byte[0]);
        }
    }

    /** Stands for the library's stream read, where the thread blocks: its stack, innermost first. */
    static final class Library {
        static StackTraceElement[] blockedRead(InputStream in) {
            return new Throwable().getStackTrace();
        }
    }

    private static StackTraceElement[] readsCommandStdout(Command c) {
        InputStream in = c.getInputStream();
        return Library.blockedRead(in);
    }

    private static StackTraceElement[] readsShellStdout(Shell s) {
        InputStream in = s.getInputStream();
        return Library.blockedRead(in);
    }

    private static StackTraceElement[] readsCommandStderr(Command c) {
        return Library.blockedRead(c.getErrorStream());
    }

    private static StackTraceElement[] readsEither(Command c, Shell s, boolean shell) {
        InputStream in = shell ? s.getInputStream() : c.getInputStream();
        return Library.blockedRead(in);
    }

    /** The stream taken by the caller, read by an app helper that took nothing: the caller's method decides. */
    private static StackTraceElement[] readAll(InputStream in) {
        return Library.blockedRead(in);
    }

    private static StackTraceElement[] readsThroughAHelper(Command c) {
        return readAll(c.getInputStream());
    }

    /** A stream handed over: nothing on this stack took it. */
    private static StackTraceElement[] readsAStreamHandedOver(InputStream in) {
        return Library.blockedRead(in);
    }

    private static StreamGetter innermost(StackTraceElement[] frames, String getter) {
        return StreamGetter.innermost(frames, 1, LIBRARY, getter, OWNERS, LOADERS);
    }

    @Test
    void theMethodThatTookTheStreamSaysFromWhichType() {
        SessionChannel ch = new SessionChannel();
        StreamGetter command = innermost(readsCommandStdout(ch), "getInputStream");
        assertThat(command.owners).containsExactly(COMMAND);
        assertThat(command.frame.getMethodName()).isEqualTo("readsCommandStdout");
        assertThat(innermost(readsShellStdout(ch), "getInputStream").owners).containsExactly(SHELL);
        assertThat(innermost(readsCommandStderr(ch), "getErrorStream").owners).containsExactly(COMMAND);
        // one method taking stdout from both types: both are said, the caller cannot tell which it reads
        assertThat(innermost(readsEither(ch, ch, false), "getInputStream").owners).containsExactly(COMMAND, SHELL);
    }

    @Test
    void aHelperThatTookNothingIsPassedForTheMethodThatTookIt() {
        StreamGetter g = innermost(readsThroughAHelper(new SessionChannel()), "getInputStream");
        assertThat(g.owners).containsExactly(COMMAND);
        assertThat(g.frame.getMethodName()).isEqualTo("readsThroughAHelper");
    }

    @Test
    void noEvidenceIsNull() {
        SessionChannel ch = new SessionChannel();
        // the stream read is stderr, but the method took only stdout: that is not how it got what it reads
        assertThat(innermost(readsCommandStdout(ch), "getErrorStream")).isNull();
        assertThat(innermost(readsAStreamHandedOver(ch.getInputStream()), "getInputStream")).isNull();
        StackTraceElement[] noLines = readsCommandStdout(ch);
        for (int i = 0; i < noLines.length; i++) {
            StackTraceElement f = noLines[i];
            noLines[i] = new StackTraceElement(f.getClassName(), f.getMethodName(), null, -1);
        }
        assertThat(innermost(noLines, "getInputStream")).isNull();
    }

    @Test
    void theLibrarysAndTheJdksFramesAreNotAsked() {
        StackTraceElement[] frames = {new StackTraceElement("java.io.BufferedReader", "readLine", "BufferedReader.java", 1),
                new StackTraceElement(Library.class.getName(), "blockedRead", "StreamGetterTest.java", 1),
                new StackTraceElement("app.Main", "run", "Main.java", 7)};
        List<String> asked = new java.util.ArrayList<String>();
        StreamGetter.innermost(frames, 0, LIBRARY, "getInputStream", OWNERS, (frame, owner, method) -> {
            asked.add(frame.getClassName() + " " + owner);
            return false;
        });
        assertThat(asked).containsExactly("app.Main " + COMMAND, "app.Main " + SHELL);
    }
}
