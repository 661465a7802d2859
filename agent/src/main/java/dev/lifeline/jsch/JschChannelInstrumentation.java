package dev.lifeline.jsch;

import com.jcraft.jsch.Channel;
import com.jcraft.jsch.Session;
import dev.lifeline.enforce.DeadlineScheduler;
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
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code com.jcraft.jsch.Channel}: the session's reader thread hands every incoming data packet to
 * {@code write}/{@code write_ext} (the exec idle clock), and every way a channel ends goes through {@code disconnect()}
 * (a remote close, the app, {@code Session.disconnect()}).
 */
public final class JschChannelInstrumentation implements TypeInstrumentation {
    static final ElementMatcher.Junction<MethodDescription> DATA =
            named("write").or(named("write_ext")).and(takesArguments(byte[].class, int.class, int.class));
    static final ElementMatcher.Junction<MethodDescription> DISCONNECT = named("disconnect").and(takesArguments(0));

    @Override
    public String typeName() {
        return "com.jcraft.jsch.Channel";
    }

    @Override
    public ElementMatcher<TypeDescription> supported() {
        return declaresMethod(named("write").and(takesArguments(byte[].class, int.class, int.class)))
                .and(declaresMethod(named("write_ext").and(takesArguments(byte[].class, int.class, int.class))))
                .and(declaresMethod(DISCONNECT))
                .and(declaresMethod(named("sendSignal").and(takesArguments(String.class))))
                .and(declaresMethod(named("isClosed")))
                .and(declaresMethod(named("getSession")));
    }

    @Override
    public LibraryRequirement libraryRequirement() {
        return null;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return SshTransformers.advice().advice(DATA, DataAdvice.class.getName())
                .advice(DISCONNECT, DisconnectAdvice.class.getName())
                .advice(named("getExitStatus").and(takesArguments(0)).and(returns(int.class)), ExitStatusAdvice.class.getName());
    }

    /** A command a deadline sent TERM to reports JSch's "no exit status" (-1), even if it trapped TERM and exited 0. */
    public static final class ExitStatusAdvice {
        private ExitStatusAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void onExit(@Advice.This Object channel, @Advice.Return(readOnly = false) int status) {
            if (ExecDeadline.endedByDeadline(channel)) {
                status = -1;
            }
        }
    }

    public static final class DataAdvice {
        private DataAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void onEnter(@Advice.This Object channel) {
            ExecDeadline.output(channel);
        }
    }

    public static final class DisconnectAdvice {
        private DisconnectAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static DeadlineScheduler.Deadline onEnter(@Advice.This Channel channel) throws Exception {
            Session session = channel.getSession();
            return JschChannels.channelDisconnecting(channel, session, session.getHost(), session.getPort());
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void onExit(@Advice.Enter DeadlineScheduler.Deadline deadline) {
            JschChannels.disconnected(deadline);
        }
    }
}
