package dev.lifeline.ssh2family;

import dev.lifeline.instrument.LibraryMember;
import dev.lifeline.instrument.PerLoader;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One library of the family: its name in log lines, its package, and every member of it that the family's code
 * reaches by reflection, built from the package name (the two libraries name their classes alike). The library's
 * module lists {@link #members()}, so the shape check finds each in the library's class files before weaving.
 */
public final class Ssh2Library {
    /** Every library of the family a module was made for: the hooks both share tell them apart by package. */
    private static final List<Ssh2Library> ALL = new CopyOnWriteArrayList<Ssh2Library>();
    final String name;
    final String pkg;
    final Ssh2View view;
    final Ssh2FoundView foundView;
    final PerLoader<Ssh2Api> apis = new PerLoader<Ssh2Api>() {
        @Override
        protected Ssh2Api create(ClassLoader loader) throws Exception {
            return new Ssh2Api(Ssh2Library.this, loader);
        }
    };

    final LibraryMember connectionTm;
    final LibraryMember connectionCm;
    final LibraryMember connectionAuthenticated;
    final LibraryMember getHostname;
    final LibraryMember getPort;
    final LibraryMember transportSocket;
    final LibraryMember transportClosed;
    final LibraryMember transportClose;
    final LibraryMember transportSend;
    final LibraryMember managerChannels;
    final LibraryMember globalSuccessCounter;
    final LibraryMember globalFailedCounter;
    final LibraryMember getChannel;
    final LibraryMember sessionChannel;
    final LibraryMember sessionManager;
    final LibraryMember sessionClose;
    final LibraryMember sessionSignal;
    final LibraryMember channelState;
    final LibraryMember channelCloseSent;
    // issue 24: what leads from a receive thread found at attach to its connection's state ({@link Ssh2Found})
    final LibraryMember transportReceiveThread;
    final LibraryMember transportHandlers;
    final LibraryMember handlerEntryHandler;
    final LibraryMember transportKex;
    final LibraryMember kexHostname;
    final LibraryMember kexPort;
    final LibraryMember channelLocalId;
    final LibraryMember managerCloseChannel;
    final LibraryMember channelSignal;
    private final List<LibraryMember> members;

    /**
     * @param socketOwner the transport class that declares the socket ({@code TransportManager} in Trilead,
     *                    {@code ClientTransportManager} in Ganymed 262, where a server transport shares the base)
     * @param kexOwner    the key exchange class that keeps the host and port the app gave ({@code KexManager} in
     *                    Trilead, {@code ClientKexManager} in Ganymed 262)
     */
    public Ssh2Library(String name, String pkg, String socketOwner, String kexOwner) {
        this.name = name;
        this.pkg = pkg;
        this.view = new Ssh2View(this);
        this.foundView = new Ssh2FoundView(this);
        String connection = pkg + ".Connection";
        String transport = pkg + ".transport.TransportManager";
        String manager = pkg + ".channel.ChannelManager";
        String channel = pkg + ".channel.Channel";
        String session = pkg + ".Session";
        connectionTm = LibraryMember.field(connection, "tm");
        connectionCm = LibraryMember.field(connection, "cm");
        connectionAuthenticated = LibraryMember.field(connection, "authenticated");
        getHostname = LibraryMember.method(connection, "getHostname", "()Ljava/lang/String;");
        getPort = LibraryMember.method(connection, "getPort", "()I");
        transportSocket = LibraryMember.field(pkg + ".transport." + socketOwner, "sock");
        // the cause is set when the transport closes, in every copy (Jenkins' fork has no connectionClosed flag)
        transportClosed = LibraryMember.field(transport, "reasonClosedCause");
        transportClose = LibraryMember.method(transport, "close", "(Ljava/lang/Throwable;Z)V");
        transportSend = LibraryMember.method(transport, "sendMessage", "([B)V");
        managerChannels = LibraryMember.field(manager, "channels");
        globalSuccessCounter = LibraryMember.field(manager, "globalSuccessCounter");
        globalFailedCounter = LibraryMember.field(manager, "globalFailedCounter");
        getChannel = LibraryMember.method(manager, "getChannel", "(I)L" + internal(channel) + ";").declaredOnly();
        sessionChannel = LibraryMember.field(session, "cn");
        sessionManager = LibraryMember.field(session, "cm");
        sessionClose = LibraryMember.method(session, "close", "()V");
        sessionSignal = LibraryMember.method(session, "signal", "(Ljava/lang/String;)V")
                .optional("Jenkins' Trilead fork only: elsewhere a deadline closes the channel without a signal");
        channelState = LibraryMember.field(channel, "state");
        channelCloseSent = LibraryMember.field(channel, "closeMessageSent");
        transportReceiveThread = LibraryMember.field(transport, "receiveThread");
        transportHandlers = LibraryMember.field(transport, "messageHandlers");
        handlerEntryHandler = LibraryMember.field(transport + "$HandlerEntry", "mh");
        transportKex = LibraryMember.field(transport, "km");
        kexHostname = LibraryMember.field(pkg + ".transport." + kexOwner, "hostname");
        kexPort = LibraryMember.field(pkg + ".transport." + kexOwner, "port");
        channelLocalId = LibraryMember.field(channel, "localID");
        managerCloseChannel = LibraryMember.method(manager, "closeChannel", "(L" + internal(channel) + ";Ljava/lang/String;Z)V");
        channelSignal = LibraryMember.method(channel, "signal", "(Ljava/lang/String;)V")
                .optional("Jenkins' Trilead fork only: elsewhere a deadline closes a channel found at attach without a signal");
        members = Arrays.asList(connectionTm, connectionCm, connectionAuthenticated, getHostname, getPort,
                transportSocket, transportClosed, transportClose, transportSend, managerChannels, globalSuccessCounter,
                globalFailedCounter, getChannel, sessionChannel, sessionManager, sessionClose, sessionSignal, channelState,
                channelCloseSent, transportReceiveThread, transportHandlers, handlerEntryHandler, transportKex, kexHostname,
                kexPort, channelLocalId, managerCloseChannel, channelSignal);
        ALL.add(this);
    }

    /** Every library of the family a module was made for, in the order they were made. */
    static List<Ssh2Library> all() {
        return ALL;
    }

    /** The library an object of the family belongs to, by its class's package; null for none. */
    static Ssh2Library of(Object libraryObject) {
        String n = libraryObject.getClass().getName();
        for (Ssh2Library lib : ALL) {
            if (n.startsWith(lib.pkg) && n.length() > lib.pkg.length() && n.charAt(lib.pkg.length()) == '.') {
                return lib;
            }
        }
        return null;
    }

    public String name() {
        return name;
    }

    /** {@code com.trilead.ssh2} */
    public String pkg() {
        return pkg;
    }

    public List<LibraryMember> members() {
        return members;
    }

    /** A class of the library in descriptors: {@code Lcom/trilead/ssh2/Session;}. */
    public String type(String simpleName) {
        return "L" + internal(pkg + "." + simpleName) + ";";
    }

    static String internal(String className) {
        return className.replace('.', '/');
    }

    Ssh2Api api(Object libraryObject) {
        return apis.of(libraryObject);
    }
}
