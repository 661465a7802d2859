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
    private final String name;
    private final String pkg;
    private final String connectArguments;
    private final String execDescriptor;

    /**
     * Names only: the transformer asks every module for its package at start, and a JSch, MINA or sshj application
     * then builds no {@link Ssh2Library} (its members, view and per-loader cache) and loads no family hook class; the
     * module's library is built at the first class of its package ({@link #types}, {@link #members}).
     *
     * @param connectArguments the most specific {@code connect}'s integer arguments: {@code III} or {@code II}
     * @param execDescriptor   the {@code execCommand} every other one reaches: {@code (String)} or {@code (String, String)}
     */
    protected Ssh2Module(String name, String pkg, String connectArguments, String execDescriptor) {
        this.name = name;
        this.pkg = pkg;
        this.connectArguments = connectArguments;
        this.execDescriptor = execDescriptor;
    }

    /** The library this module weaves, as its hook class holds it. */
    protected abstract Ssh2Library lib();

    @Override
    public String name() {
        return name;
    }

    @Override
    public String library() {
        return pkg;
    }

    @Override
    public String packagePrefix() {
        return pkg.replace('.', '/') + "/";
    }

    /** The same class names in Trilead and Ganymed; the distinctive one is watched for, {@code Connection} confirms. */
    @Override
    public String[] relocationSignature() {
        return new String[]{"channel/ChannelManager", "Connection"};
    }

    @Override
    public List<InstrumentedType> types() {
        Ssh2Library lib = lib();
        Class<?> hooks = hookClass();
        String connectDescriptor = "(" + lib.type("ServerHostKeyVerifier") + connectArguments + ")" + lib.type("ConnectionInfo");
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
        return lib().members();
    }
}
