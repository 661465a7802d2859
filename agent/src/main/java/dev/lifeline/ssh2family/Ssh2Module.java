package dev.lifeline.ssh2family;

import dev.lifeline.instrument.Hook;
import dev.lifeline.instrument.InstrumentationModule;
import dev.lifeline.instrument.InstrumentedType;
import dev.lifeline.instrument.LibraryMember;

import java.util.Arrays;
import java.util.List;

/**
 * The declarations both libraries of the family share (each library's module names its package, its hook class and
 * its {@code connect} and {@code execCommand} signatures; the hooks whose signatures are the same in both are
 * {@link Ssh2Hooks}'). Why these methods:
 * <ul>
 * <li>{@code Connection.connect(verifier, connectTimeout, [readTimeout,] kexTimeout)}: every other {@code connect}
 * delegates to it; on entry host and port are final and the TCP connect timeout still replaceable.</li>
 * <li>{@code Connection.authenticateWith...}: the end of authentication ends the connect deadline; all optional (a
 * method a version lacks is only one hook fewer: the deadline itself checks the {@code authenticated} field).</li>
 * <li>{@code Connection.close()}: every way an app ends a connection (the library's own failures end the transport,
 * which the keepalive and the view read).</li>
 * <li>{@code Session.execCommand(String[, charset])}: the exec request is out when it returns; {@code getExitStatus()}: no false
 * success after a deadline; {@code Session.close()}: the exec is over.</li>
 * <li>{@code ChannelManager.msgChannelData/msgChannelExtendedData}: every data message (the exec idle clock);
 * {@code msgGlobalSuccess/msgGlobalFailure}: the replies to Lifeline's keepalive probes.</li>
 * </ul>
 */
public abstract class Ssh2Module implements InstrumentationModule {
    private final Ssh2Library lib;
    private final Class<?> hooks;
    private final String connectDescriptor;
    private final String execDescriptor;

    /**
     * @param connectArguments the most specific {@code connect}'s integer arguments: {@code III} or {@code II}
     * @param execDescriptor   the {@code execCommand} every other one reaches: {@code (String)} or {@code (String, String)}
     */
    protected Ssh2Module(Ssh2Library lib, Class<?> hooks, String connectArguments, String execDescriptor) {
        this.lib = lib;
        this.hooks = hooks;
        this.connectDescriptor = "(" + lib.type("ServerHostKeyVerifier") + connectArguments + ")" + lib.type("ConnectionInfo");
        this.execDescriptor = execDescriptor;
    }

    @Override
    public String name() {
        return lib.name;
    }

    @Override
    public String library() {
        return lib.pkg;
    }

    @Override
    public String packagePrefix() {
        return Ssh2Library.internal(lib.pkg) + "/";
    }

    /** The same class names in Trilead and Ganymed; the distinctive one is watched for, {@code Connection} confirms. */
    @Override
    public String[] relocationSignature() {
        return new String[]{"channel/ChannelManager", "Connection"};
    }

    @Override
    public Class<?> hookClass() {
        return hooks;
    }

    @Override
    public List<InstrumentedType> types() {
        String s = "Ljava/lang/String;";
        return Arrays.asList(
                InstrumentedType.named(lib.pkg + ".Connection").hooks(
                        Hook.on("connect", connectDescriptor, hooks).enterReplacingArg("connectStarting", 1)
                                .exitOrThrow("connectEnded"),
                        auth("authenticateWithPassword", "(" + s + s + ")Z"),
                        auth("authenticateWithPublicKey", "(" + s + "[C" + s + ")Z"),
                        auth("authenticateWithPublicKey", "(" + s + "Ljava/io/File;" + s + ")Z"),
                        auth("authenticateWithKeyboardInteractive", "(" + s + "[" + s + lib.type("InteractiveCallback") + ")Z"),
                        auth("authenticateWithNone", "(" + s + ")Z"),
                        auth("authenticateWithDSA", "(" + s + s + s + ")Z"),
                        auth("authenticateWithAgent", "(" + s + lib.type("auth.AgentProxy") + ")Z"),
                        Hook.on("close", "()V", Ssh2Hooks.class).enterKeepingState("closing").exitOrThrow("closed")),
                InstrumentedType.named(lib.pkg + ".Session").hooks(
                        Hook.on("execCommand", execDescriptor, hooks).exit("execStarted"),
                        Hook.on("getExitStatus", "()Ljava/lang/Integer;", Ssh2Hooks.class).exitReplacingValue("exitStatus"),
                        Hook.on("close", "()V", Ssh2Hooks.class).thisOnly().enter("sessionClosing")),
                InstrumentedType.named(lib.pkg + ".channel.ChannelManager").hooks(
                        Hook.on("msgChannelData", "([BI)V", Ssh2Hooks.class).enter("channelData"),
                        Hook.on("msgChannelExtendedData", "([BI)V", Ssh2Hooks.class).enter("channelData"),
                        Hook.on("msgGlobalSuccess", "()V", Ssh2Hooks.class).thisOnly().enter("globalSuccess"),
                        Hook.on("msgGlobalFailure", "()V", Ssh2Hooks.class).thisOnly().enter("globalFailure")));
    }

    private Hook auth(String method, String descriptor) {
        return Hook.on(method, descriptor, Ssh2Hooks.class).optional().thisOnly().exitOrThrow("authenticationEnded");
    }

    @Override
    public List<LibraryMember> members() {
        return lib.members();
    }
}
