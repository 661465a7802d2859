package dev.lifeline.jsch;

import com.jcraft.jsch.Session;
import dev.lifeline.enforce.DeadlineScheduler;
import dev.lifeline.instrument.LibraryRequirement;
import dev.lifeline.instrument.SshTransformers;
import dev.lifeline.instrument.TypeInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.net.Socket;

import static net.bytebuddy.matcher.ElementMatchers.declaresField;
import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code com.jcraft.jsch.Session} (mwiede 0.2.x/2.x and jcraft 0.1.55 share these members). {@code connect(int)} is
 * the first point where host and port are final and the last point before the session's reader thread starts, so
 * keepalive has to be set on entry: JSch's keepalive rides on the socket read timeout that thread reads once.
 */
public final class JschSessionInstrumentation implements TypeInstrumentation {
    @Override
    public String typeName() {
        return "com.jcraft.jsch.Session";
    }

    @Override
    public ElementMatcher<TypeDescription> supported() {
        return declaresField(named("socket")).and(declaresField(named("timeout")))
                .and(declaresMethod(named("setServerAliveInterval").and(takesArguments(int.class))))
                .and(declaresMethod(named("setServerAliveCountMax").and(takesArguments(int.class))))
                .and(declaresMethod(named("getServerAliveCountMax")))
                .and(declaresMethod(named("connect").and(takesArguments(int.class))))
                .and(declaresMethod(named("disconnect").and(takesArguments(0))));
    }

    @Override
    public LibraryRequirement libraryRequirement() {
        return null;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        // connect() delegates to connect(int) in every JSch line: advising the latter sees each connect once
        return SshTransformers.advice().advice(named("connect").and(takesArguments(int.class)).and(isPublic()),
                ConnectAdvice.class.getName())
                .advice(named("disconnect").and(takesArguments(0)), DisconnectAdvice.class.getName())
                .advice(named("read").and(takesArguments(1)).and(takesArgument(0, named("com.jcraft.jsch.Buffer"))),
                        ReadAdvice.class.getName());
    }

    /** The reader thread's {@code read(Buffer)}: a run of timeouts is how JSch's keepalive declares the peer dead. */
    public static final class ReadAdvice {
        private ReadAdvice() {
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void onExit(@Advice.This Session session, @Advice.Thrown Throwable thrown) {
            if (thrown == null) {
                JschSessions.readOk(session);
            } else {
                JschSessions.readFailed(session, thrown, session.getHost(), session.getPort(),
                        session.getServerAliveInterval(), session.getTimeout(), session.getServerAliveCountMax());
            }
        }
    }

    public static final class DisconnectAdvice {
        private DisconnectAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static DeadlineScheduler.Deadline onEnter(@Advice.This Session session) {
            JschSessions.forget(session);
            return JschChannels.sessionDisconnecting(session, session.getHost(), session.getPort());
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void onExit(@Advice.Enter DeadlineScheduler.Deadline deadline) {
            JschChannels.disconnected(deadline);
        }
    }

    public static final class ConnectAdvice {
        private ConnectAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static JschPlan onEnter(@Advice.This Session session,
                                @Advice.Argument(value = 0, readOnly = false) int connectTimeout) {
            JschPlan plan = JschSessions.plan(session, session.getHost(), session.getPort(), session.getTimeout(),
                    session.getServerAliveInterval(), session.getServerAliveCountMax(), connectTimeout);
            if (plan != null) {
                if (plan.setAliveInterval >= 0) {
                    try {
                        session.setServerAliveInterval(plan.setAliveInterval);
                    } catch (Exception e) {
                        plan.failed(e);
                    }
                }
                if (plan.setAliveCountMax >= 0) {
                    session.setServerAliveCountMax(plan.setAliveCountMax);
                }
                if (plan.setConnectTimeout >= 0) {
                    connectTimeout = plan.setConnectTimeout;
                }
                plan.startConnectWatchdog(session);
            }
            return plan;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void onExit(@Advice.This Session session, @Advice.Enter JschPlan plan, @Advice.FieldValue("socket") Socket socket,
                           @Advice.Thrown Throwable thrown) {
            // through a proxy (setProxy) the session's own field is null: the socket is the proxy object's
            JschSessions.connected(plan, socket != null ? socket : JschSessions.proxySocketOf(session), thrown);
        }
    }
}
