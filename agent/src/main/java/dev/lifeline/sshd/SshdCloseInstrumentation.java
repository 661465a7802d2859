package dev.lifeline.sshd;

import dev.lifeline.instrument.LibraryRequirement;
import dev.lifeline.instrument.SshTransformers;
import dev.lifeline.instrument.TypeInstrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import org.apache.sshd.client.channel.AbstractClientChannel;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.util.closeable.AbstractCloseable;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code org.apache.sshd.common.util.closeable.AbstractCloseable.close(boolean)}, the one final method every MINA
 * close goes through ({@code close()}, {@code close(false)}, {@code closeGracefully}, {@code SshClient.close}). A
 * graceful close of a client session or channel waits for the peer's replies; the close deadline bounds that wait.
 */
public final class SshdCloseInstrumentation implements TypeInstrumentation {
    @Override
    public String typeName() {
        return "org.apache.sshd.common.util.closeable.AbstractCloseable";
    }

    @Override
    public ElementMatcher<TypeDescription> supported() {
        return declaresMethod(named("close").and(takesArguments(boolean.class)));
    }

    @Override
    public LibraryRequirement libraryRequirement() {
        return null;
    }

    @Override
    public AgentBuilder.Transformer transformer() {
        return SshTransformers.advice().advice(named("close").and(takesArguments(boolean.class)), CloseAdvice.class.getName());
    }

    public static final class CloseAdvice {
        private CloseAdvice() {
        }

        /** The class tests run on a type sshd-common does not know only when this is a client object (sshd-core). */
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void onEnter(@Advice.This AbstractCloseable closeable, @Advice.Argument(0) boolean immediately) {
            if (immediately || closeable.isClosing() || !closeable.getClass().getName().startsWith("org.apache.sshd.client.")) {
                return;
            }
            if (closeable instanceof ClientSession) {
                ClientSession session = (ClientSession) closeable;
                SshdChannels.closingGracefully(session, session, session.getIoSession().getRemoteAddress());
            } else if (closeable instanceof AbstractClientChannel) {
                AbstractClientChannel channel = (AbstractClientChannel) closeable;
                SshdChannels.closingGracefully(channel, channel.getSession(), channel.getSession().getIoSession().getRemoteAddress());
            }
        }
    }
}
