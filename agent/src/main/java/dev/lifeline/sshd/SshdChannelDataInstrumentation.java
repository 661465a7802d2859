package dev.lifeline.sshd;

import dev.lifeline.enforce.ExecDeadline;
import dev.lifeline.instrument.LibraryRequirement;
import dev.lifeline.instrument.SshTransformers;
import dev.lifeline.instrument.TypeInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code org.apache.sshd.common.channel.AbstractChannel.handleData/handleExtendedData}: every incoming data packet of
 * every channel passes here, which restarts the exec idle clock of a watched exec channel (one map lookup otherwise).
 */
public final class SshdChannelDataInstrumentation implements TypeInstrumentation {
    static final ElementMatcher.Junction<MethodDescription> DATA = named("handleData").or(named("handleExtendedData"))
            .and(takesArguments(1));

    @Override
    public String typeName() {
        return "org.apache.sshd.common.channel.AbstractChannel";
    }

    @Override
    public ElementMatcher<TypeDescription> supported() {
        return declaresMethod(named("handleData").and(takesArguments(1)))
                .and(declaresMethod(named("handleExtendedData").and(takesArguments(1))));
    }

    @Override
    public LibraryRequirement libraryRequirement() {
        return null;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return SshTransformers.advice().advice(DATA, DataAdvice.class.getName());
    }

    public static final class DataAdvice {
        private DataAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void onEnter(@Advice.This Object channel) {
            ExecDeadline.output(channel);
        }
    }
}
