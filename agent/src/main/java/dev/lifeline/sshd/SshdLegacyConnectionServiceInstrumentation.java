package dev.lifeline.sshd;

import dev.lifeline.instrument.LibraryRequirement;
import dev.lifeline.instrument.SshTransformers;
import dev.lifeline.instrument.TypeInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import org.apache.sshd.client.session.AbstractClientSession;
import org.apache.sshd.core.CoreModuleProperties;

import java.net.SocketAddress;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;

/**
 * The same hook as {@link SshdConnectionServiceInstrumentation} for MINA 2.9 to 2.12, which cannot count missing
 * heartbeat replies: each heartbeat waits up to {@code heartbeat-reply-wait} for its reply and closes the session when
 * none comes. A wait of {@code interval × countMax} gives the same detection time, {@code interval × (countMax + 1)}.
 */
public final class SshdLegacyConnectionServiceInstrumentation implements TypeInstrumentation {
    @Override
    public String typeName() {
        return SshdConnectionServiceInstrumentation.TYPE;
    }

    @Override
    public ElementMatcher<TypeDescription> supported() {
        return SshdConnectionServiceInstrumentation.HAS_CONSTRUCTOR;
    }

    @Override
    public LibraryRequirement libraryRequirement() {
        return new LibraryRequirement("org.apache.sshd.core.CoreModuleProperties", "HEARTBEAT_REPLY_WAIT",
                "HEARTBEAT_NO_REPLY_MAX", SshdConnectionServiceInstrumentation.UNSUPPORTED);
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return SshTransformers.advice().advice(SshdConnectionServiceInstrumentation.CONSTRUCTOR, ConstructorAdvice.class.getName());
    }

    public static final class ConstructorAdvice {
        private ConstructorAdvice() {
        }

        /** Runs before the super constructor: only the argument is touched, never {@code this}. */
        @SuppressWarnings("deprecation") // HEARTBEAT_REPLY_WAIT: deprecated in 2.13, the only knob before
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void onEnter(@Advice.Argument(0) AbstractClientSession session) {
            SocketAddress address = session.getIoSession().getRemoteAddress();
            SshdPlan plan = SshdSessions.plan(address,
                    CoreModuleProperties.HEARTBEAT_INTERVAL.getOrCustomDefault(session, null),
                    CoreModuleProperties.HEARTBEAT_REPLY_WAIT.getOrCustomDefault(session, null) == null ? null : 1,
                    CoreModuleProperties.HEARTBEAT_REQUEST.getOrCustomDefault(session, null));
            if (plan == null) {
                return;
            }
            if (plan.heartbeatInterval != null) {
                CoreModuleProperties.HEARTBEAT_INTERVAL.set(session, plan.heartbeatInterval);
                CoreModuleProperties.HEARTBEAT_REPLY_WAIT.set(session,
                        plan.heartbeatInterval.multipliedBy(plan.heartbeatNoReplyMax.longValue()));
            }
            if (plan.heartbeatRequest != null) {
                CoreModuleProperties.HEARTBEAT_REQUEST.set(session, plan.heartbeatRequest);
            }
            SshdSessions.configured(plan, session.getIoSession());
        }
    }
}
