package dev.lifeline.jsch;

import dev.lifeline.instrument.Hook;
import dev.lifeline.instrument.InstrumentationModule;
import dev.lifeline.instrument.InstrumentedType;

import java.util.Arrays;
import java.util.List;

/**
 * JSch (mwiede 0.2.x/2.x and jcraft 0.1.55 share these members).
 * <ul>
 * <li>{@code Session.connect(int)}: the first point where host and port are final and the last before the session's
 * reader thread starts, so keepalive is set on entry (JSch's keepalive rides on the socket read timeout that thread
 * reads once); {@code connect()} delegates to it in every line, so each connect is seen once.</li>
 * <li>{@code Session.read(Buffer)}: the reader thread; a run of timeouts is how JSch's keepalive declares the peer
 * dead.</li>
 * <li>{@code Channel.write/write_ext}: every incoming data packet (the exec idle clock); {@code disconnect()}: every
 * way a channel ends; {@code getExitStatus()}: a command a deadline sent TERM reports no exit status (-1).</li>
 * <li>{@code ChannelExec.start()} sends the exec request: from its normal return the command runs.</li>
 * </ul>
 */
public final class JschModule implements InstrumentationModule {
    private static final String BUFFER = "Lcom/jcraft/jsch/Buffer;";

    @Override
    public String name() {
        return "jsch";
    }

    @Override
    public String library() {
        return "com.jcraft.jsch";
    }

    @Override
    public String packagePrefix() {
        return "com/jcraft/jsch/";
    }

    @Override
    public Class<?> hookClass() {
        return JschHooks.class;
    }

    @Override
    public List<InstrumentedType> types() {
        return Arrays.asList(
                InstrumentedType.named("com.jcraft.jsch.Session").fields("socket", "timeout", "proxy")
                        .method("getHost", "()Ljava/lang/String;").method("getPort", "()I").method("getTimeout", "()I")
                        .method("setServerAliveInterval", "(I)V").method("getServerAliveInterval", "()I")
                        .method("setServerAliveCountMax", "(I)V").method("getServerAliveCountMax", "()I")
                        .hooks(Hook.on("connect", "(I)V", JschHooks.class)
                                        .enterReplacingArg("connectStarting", 0).exitOrThrow("connectEnded"),
                                Hook.on("disconnect", "()V", JschHooks.class)
                                        .enterKeepingState("sessionDisconnecting").exitOrThrow("disconnected"),
                                Hook.on("read", "(" + BUFFER + ")" + BUFFER, JschHooks.class).thisOnly().exitOrThrow("readEnded")),
                InstrumentedType.named("com.jcraft.jsch.Channel")
                        .method("sendSignal", "(Ljava/lang/String;)V").method("isClosed", "()Z")
                        .method("getSession", "()Lcom/jcraft/jsch/Session;")
                        .hooks(Hook.on("write", "([BII)V", JschHooks.class).thisOnly().enter("output"),
                                Hook.on("write_ext", "([BII)V", JschHooks.class).thisOnly().enter("output"),
                                Hook.on("disconnect", "()V", JschHooks.class)
                                        .enterKeepingState("channelDisconnecting").exitOrThrow("disconnected"),
                                Hook.on("getExitStatus", "()I", JschHooks.class).exitReplacingValue("exitStatus")),
                InstrumentedType.named("com.jcraft.jsch.ChannelExec").fields("command")
                        .hooks(Hook.on("start", "()V", JschHooks.class).exit("execStarted")));
    }
}
