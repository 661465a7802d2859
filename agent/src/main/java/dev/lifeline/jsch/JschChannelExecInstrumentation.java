package dev.lifeline.jsch;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.Session;
import dev.lifeline.instrument.LibraryRequirement;
import dev.lifeline.instrument.SshTransformers;
import dev.lifeline.instrument.TypeInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.declaresField;
import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code com.jcraft.jsch.ChannelExec.start()} sends the exec request: from its normal return the command runs, so the
 * exec deadline starts there. Shell and SFTP channels are other classes and never watched.
 */
public final class JschChannelExecInstrumentation implements TypeInstrumentation {
    @Override
    public String typeName() {
        return "com.jcraft.jsch.ChannelExec";
    }

    @Override
    public ElementMatcher<TypeDescription> supported() {
        return declaresMethod(named("start").and(takesArguments(0))).and(declaresField(named("command")));
    }

    @Override
    public LibraryRequirement libraryRequirement() {
        return null;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return SshTransformers.advice().advice(named("start").and(takesArguments(0)), StartAdvice.class.getName());
    }

    public static final class StartAdvice {
        private StartAdvice() {
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void onExit(@Advice.This ChannelExec channel, @Advice.FieldValue("command") byte[] command,
                           @Advice.Thrown Throwable thrown) throws Exception {
            if (thrown == null) {
                Session session = channel.getSession();
                JschChannels.execStarted(channel, session, session.getHost(), session.getPort(), command);
            }
        }
    }
}
