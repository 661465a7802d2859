package dev.lifeline.sshd;

import dev.lifeline.instrument.LibraryRequirement;
import dev.lifeline.instrument.SshTransformers;
import dev.lifeline.instrument.TypeInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.common.session.Session;

import static net.bytebuddy.matcher.ElementMatchers.declaresField;
import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code org.apache.sshd.client.channel.ChannelExec.doOpen()} writes the exec request once the channel is open: the
 * exec deadline starts when it returns. Shell and SFTP channels are other classes and never watched.
 */
public final class SshdChannelExecInstrumentation implements TypeInstrumentation {
    @Override
    public String typeName() {
        return "org.apache.sshd.client.channel.ChannelExec";
    }

    @Override
    public ElementMatcher<TypeDescription> supported() {
        return declaresMethod(named("doOpen").and(takesArguments(0))).and(declaresField(named("command")));
    }

    @Override
    public LibraryRequirement libraryRequirement() {
        return null;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return SshTransformers.advice().advice(named("doOpen").and(takesArguments(0)), OpenAdvice.class.getName());
    }

    public static final class OpenAdvice {
        private OpenAdvice() {
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void onExit(@Advice.This ChannelExec channel, @Advice.FieldValue("command") String command,
                           @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                Session session = channel.getSession();
                SshdChannels.execStarted(channel, session, session.getIoSession().getRemoteAddress(), command);
            }
        }
    }
}
