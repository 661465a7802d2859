package dev.lifeline.sshd;

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
 * {@code ClientConnectionService.sendHeartBeat()}, every MINA line from 2.9: marks the heartbeat's thread while it
 * runs. When a heartbeat finds too many unanswered before it (2.13+) or its reply does not come in time (2.9 to 2.12),
 * MINA catches its own exception and hands it to the session's {@code exceptionCaught}, which closes the session,
 * inside this method; {@link SshdSessionHelperInstrumentation} sees that verdict before the close.
 */
public final class SshdHeartbeatInstrumentation implements TypeInstrumentation {
    @Override
    public String typeName() {
        return SshdConnectionServiceInstrumentation.TYPE;
    }

    @Override
    public ElementMatcher<TypeDescription> supported() {
        return declaresMethod(named("sendHeartBeat").and(takesArguments(0)).and(returns(boolean.class)));
    }

    @Override
    public LibraryRequirement libraryRequirement() {
        return null;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return SshTransformers.advice().advice(named("sendHeartBeat").and(takesArguments(0)).and(returns(boolean.class)),
                HeartbeatAdvice.class.getName());
    }

    public static final class HeartbeatAdvice {
        private HeartbeatAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void onEnter() {
            SshdSessions.heartbeatStarting();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void onExit() {
            SshdSessions.heartbeatEnded();
        }
    }
}
