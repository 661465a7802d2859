package dev.lifeline.sshd;

import dev.lifeline.enforce.ExecDeadline;
import dev.lifeline.instrument.LibraryRequirement;
import dev.lifeline.instrument.SshTransformers;
import dev.lifeline.instrument.TypeInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code org.apache.sshd.client.channel.AbstractClientChannel.getExitStatus()}: a command a deadline sent TERM to
 * reports no exit status ({@code null}, as for a command killed by a signal), even if it trapped TERM and exited 0.
 */
public final class SshdClientChannelInstrumentation implements TypeInstrumentation {
    static final String TYPE = "org.apache.sshd.client.channel.AbstractClientChannel";

    @Override
    public String typeName() {
        return TYPE;
    }

    @Override
    public ElementMatcher<TypeDescription> supported() {
        return declaresMethod(named("getExitStatus").and(takesArguments(0)).and(returns(Integer.class)));
    }

    @Override
    public LibraryRequirement libraryRequirement() {
        return null;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return SshTransformers.advice().advice(named("getExitStatus").and(takesArguments(0)).and(returns(Integer.class)),
                ExitStatusAdvice.class.getName());
    }

    public static final class ExitStatusAdvice {
        private ExitStatusAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void onExit(@Advice.This Object channel, @Advice.Return(readOnly = false) Integer status) {
            if (status != null && ExecDeadline.endedByDeadline(channel)) {
                status = null;
            }
        }
    }
}
