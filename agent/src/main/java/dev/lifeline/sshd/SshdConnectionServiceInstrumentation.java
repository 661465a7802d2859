package dev.lifeline.sshd;

import dev.lifeline.instrument.LibraryRequirement;
import dev.lifeline.instrument.SshTransformers;
import dev.lifeline.instrument.TypeInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import org.apache.sshd.client.session.AbstractClientSession;
import org.apache.sshd.core.CoreModuleProperties;

import java.net.SocketAddress;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;

/**
 * {@code org.apache.sshd.client.session.ClientConnectionService}, created with each client session (while the TCP
 * connection is new, before key exchange) and reading the heartbeat properties into final fields in its constructor.
 * So the properties go onto the session on constructor entry, before that read. The session's socket already exists
 * and its remote address still carries the host name the app connected to.
 */
public final class SshdConnectionServiceInstrumentation implements TypeInstrumentation {
    static final String TYPE = "org.apache.sshd.client.session.ClientConnectionService";
    static final ElementMatcher.Junction<MethodDescription> CONSTRUCTOR =
            isConstructor().and(takesArgument(0, named("org.apache.sshd.client.session.AbstractClientSession")));
    static final ElementMatcher.Junction<TypeDescription> HAS_CONSTRUCTOR = declaresMethod(CONSTRUCTOR);
    static final String UNSUPPORTED = "MINA older than 2.9 (no heartbeat properties in CoreModuleProperties)";

    @Override
    public String typeName() {
        return TYPE;
    }

    @Override
    public ElementMatcher<TypeDescription> supported() {
        return HAS_CONSTRUCTOR;
    }

    @Override
    public LibraryRequirement libraryRequirement() {
        // added in 2.13: heartbeats that expect a reply and count the missing ones; earlier lines only wait per reply
        return new LibraryRequirement("org.apache.sshd.core.CoreModuleProperties", "HEARTBEAT_NO_REPLY_MAX", UNSUPPORTED);
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return SshTransformers.advice().advice(CONSTRUCTOR, ConstructorAdvice.class.getName());
    }

    public static final class ConstructorAdvice {
        private ConstructorAdvice() {
        }

        /** Runs before the super constructor: only the argument is touched, never {@code this}. */
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void onEnter(@Advice.Argument(0) AbstractClientSession session) {
            SocketAddress address = session.getIoSession().getRemoteAddress();
            // getOrCustomDefault(.., null): what the app (session, client or org.apache.sshd.config.* property) set, or null
            SshdPlan plan = SshdSessions.plan(address,
                    CoreModuleProperties.HEARTBEAT_INTERVAL.getOrCustomDefault(session, null),
                    CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.getOrCustomDefault(session, null),
                    CoreModuleProperties.HEARTBEAT_REQUEST.getOrCustomDefault(session, null));
            if (plan == null) {
                return;
            }
            if (plan.heartbeatInterval != null) {
                CoreModuleProperties.HEARTBEAT_INTERVAL.set(session, plan.heartbeatInterval);
            }
            if (plan.heartbeatNoReplyMax != null) {
                CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(session, plan.heartbeatNoReplyMax);
            }
            if (plan.heartbeatRequest != null) {
                CoreModuleProperties.HEARTBEAT_REQUEST.set(session, plan.heartbeatRequest);
            }
            SshdSessions.configured(plan, session.getIoSession());
        }
    }

}
