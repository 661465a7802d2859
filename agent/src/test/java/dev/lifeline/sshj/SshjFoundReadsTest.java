package dev.lifeline.sshj;

import dev.lifeline.instrument.StreamGetter;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 24: what a thread blocked reading an sshj channel's output says the channel is, by the type the method that took
 * the stream called its getter on ({@link StreamGetter}, tested on real bytecode by {@code StreamGetterTest}). Only a
 * {@code Session.Command} alone makes an exec; every verdict names the thread, the stream and the method it rests on.
 */
class SshjFoundReadsTest {
    private static final StackTraceElement APP = new StackTraceElement("app.Job", "runRemote", "Job.java", 42);

    private static StreamGetter took(String... owners) {
        return new StreamGetter(APP, Arrays.asList(owners));
    }

    @Test
    void stdoutTakenFromACommandIsAnExecAndSaysSo() {
        SshjFoundReads.Verdict v = SshjFoundReads.verdict("worker-1", 0, took(SshjFoundReads.COMMAND));
        assertThat(v.exec).isTrue();
        assertThat(v.text).isEqualTo("thread \"worker-1\" reads its stdout, taken by getInputStream() on a Session.Command"
                + " in app.Job.runRemote");
        SshjFoundReads.Verdict err = SshjFoundReads.verdict("worker-1", 1, took(SshjFoundReads.COMMAND));
        assertThat(err.exec).isTrue();
        assertThat(err.text).contains("reads its stderr, taken by getErrorStream() on a Session.Command");
    }

    @Test
    void aShellOrSubsystemIsNamedAndNotAnExec() {
        SshjFoundReads.Verdict shell = SshjFoundReads.verdict("t", 0, took(SshjFoundReads.SHELL));
        assertThat(shell.exec).isFalse();
        assertThat(shell.text).isEqualTo("a shell or subsystem (thread \"t\" reads its stdout, taken by getInputStream() on a"
                + " Session.Shell in app.Job.runRemote)");
        assertThat(SshjFoundReads.verdict("t", 0, took(SshjFoundReads.SUBSYSTEM)).text).contains("on a Session.Subsystem in");
    }

    @Test
    void aMethodTakingOutputFromBothIsNotKnown() {
        SshjFoundReads.Verdict v = SshjFoundReads.verdict("t", 0, took(SshjFoundReads.COMMAND, SshjFoundReads.SHELL));
        assertThat(v.exec).isFalse();
        assertThat(v.text).startsWith("exec or shell not known (").contains("on a Session.Command and on a Session.Shell");
    }

    @Test
    void noMethodTookItIsNoEvidence() {
        assertThat(SshjFoundReads.verdict("t", 0, null)).isNull();
    }

    @Test
    void theFramesAboveTheReadStartAtItsOutermostFrame() {
        String input = "net.schmizz.sshj.connection.channel.ChannelInputStream";
        StackTraceElement[] frames = {new StackTraceElement("java.lang.Object", "wait", null, -2),
                new StackTraceElement(input, "read", "ChannelInputStream.java", 1),
                new StackTraceElement(input, "read", "ChannelInputStream.java", 2), APP};
        assertThat(SshjFoundReads.afterRead(frames)).isEqualTo(3);
        assertThat(SshjFoundReads.afterRead(new StackTraceElement[]{APP})).isEqualTo(-1);
        assertThat(SshjFoundReads.afterRead(Collections.<StackTraceElement>emptyList().toArray(new StackTraceElement[0])))
                .isEqualTo(-1);
    }
}
