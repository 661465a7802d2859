package dev.lifeline.sshd;

import dev.lifeline.instrument.LibraryRequirement;
import dev.lifeline.instrument.SshTransformers;
import dev.lifeline.instrument.TypeInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.net.SocketAddress;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code org.apache.sshd.client.SshClient}: every {@code connect(...)} overload ends in
 * {@code doConnect(username, targetAddress, context, localAddress, identities, hostConfig)}, which returns the
 * {@code ConnectFuture} the app waits on: where one deadline for connect, key exchange and authentication starts.
 */
public final class SshdClientInstrumentation implements TypeInstrumentation {
    static final ElementMatcher.Junction<MethodDescription> DO_CONNECT = named("doConnect").and(takesArguments(6))
            .and(takesArgument(0, String.class)).and(takesArgument(1, SocketAddress.class));

    @Override
    public String typeName() {
        return "org.apache.sshd.client.SshClient";
    }

    @Override
    public ElementMatcher<TypeDescription> supported() {
        return declaresMethod(DO_CONNECT);
    }

    @Override
    public LibraryRequirement libraryRequirement() {
        return null;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return SshTransformers.advice().advice(DO_CONNECT, DoConnectAdvice.class.getName());
    }

    public static final class DoConnectAdvice {
        private DoConnectAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void onExit(@Advice.Argument(1) SocketAddress target, @Advice.Return Object connectFuture) {
            SshdConnectDeadline.start(target, connectFuture);
        }
    }
}
