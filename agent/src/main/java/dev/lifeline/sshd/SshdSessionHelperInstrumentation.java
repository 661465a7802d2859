package dev.lifeline.sshd;

import dev.lifeline.instrument.LibraryRequirement;
import dev.lifeline.instrument.SshTransformers;
import dev.lifeline.instrument.TypeInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import org.apache.sshd.common.session.helpers.SessionHelper;
import org.apache.sshd.core.CoreModuleProperties;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code org.apache.sshd.common.session.helpers.SessionHelper}, the base of every MINA session.
 * <ul>
 * <li>{@code exceptionCaught(Throwable)}: MINA's way to end a session on an error. Called on a heartbeat's thread
 * ({@link SshdHeartbeatInstrumentation}) for an open session, it is the keepalive declaring the peer dead; on entry the
 * session and its channels are still open, so the threads waiting on them are still waiting.</li>
 * <li>{@code setAuthenticated()}: the end of what {@code connect.timeout} bounds, so its deadline is cancelled (MINA
 * refuses proxies as session listeners, so this cannot be a listener).</li>
 * </ul>
 */
public final class SshdSessionHelperInstrumentation implements TypeInstrumentation {
    static final String TYPE = "org.apache.sshd.common.session.helpers.SessionHelper";

    @Override
    public String typeName() {
        return TYPE;
    }

    @Override
    public ElementMatcher<TypeDescription> supported() {
        return declaresMethod(named("exceptionCaught").and(takesArguments(1)).and(takesArgument(0, Throwable.class)));
    }

    @Override
    public LibraryRequirement libraryRequirement() {
        return null;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return SshTransformers.advice().advice(named("exceptionCaught").and(takesArguments(1)).and(takesArgument(0, Throwable.class)),
                ExceptionCaughtAdvice.class.getName())
                .advice(named("setAuthenticated").and(takesArguments(0)), AuthenticatedAdvice.class.getName());
    }

    public static final class AuthenticatedAdvice {
        private AuthenticatedAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void onExit(@Advice.This SessionHelper session) {
            SshdConnectDeadline.authenticated(session);
        }
    }

    public static final class ExceptionCaughtAdvice {
        private ExceptionCaughtAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void onEnter(@Advice.This SessionHelper session) {
            if (SshdSessions.inHeartbeat() && !session.isClosing()) {
                SshdSessions.heartbeatFailed(session.getIoSession().getRemoteAddress(),
                        CoreModuleProperties.HEARTBEAT_INTERVAL.getOrCustomDefault(session, null));
            }
        }
    }
}
