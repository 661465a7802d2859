package dev.lifeline.samples;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * {@code SECONDS COMMAND REMOTE_FILE}: {@link TrafficLoop} on one connection of the Ganymed family (Trilead SSH-2,
 * Jenkins' fork, Ganymed SSH-2; {@link Ssh2Clients}): exec as {@link Ssh2ExecThroughput} runs one, an
 * {@code SFTPv3Client} upload ({@code createFileTruncate}, {@code write}, {@code closeFile}), and
 * {@code createLocalPortForwarder} to the server's own sshd.
 */
public final class Ssh2RekeyTraffic {
    public static void main(String[] args) {
        Target t = Target.parse(args, 3, TrafficLoop.USAGE);
        Result result = new Result("Ssh2RekeyTraffic");
        try {
            Object c = TrafficLoop.connect(result, () -> Ssh2Clients.connect(t, result));
            result.endPhase();
            result.with("lib", Ssh2Clients.pkg());
            Ssh2ExecThroughput.Calls calls = new Ssh2ExecThroughput.Calls(c);
            TrafficLoop.run(result, t, forward(c, t), calls::runOnce, (file, data) -> upload(c, file, data));
        } catch (Throwable e) {
            result.fail(e instanceof InvocationTargetException ? e.getCause() : e);
        }
    }

    /**
     * A local forward on a free loopback port: Jenkins' fork cannot say which port a forwarder on port 0 got, so the
     * port is found first, and another is tried if something takes it in between.
     */
    private static int forward(Object c, Target t) throws Exception {
        for (int attempt = 1; ; attempt++) {
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            try {
                invoke(c, "createLocalPortForwarder", new InetSocketAddress("127.0.0.1", port), t.host, t.port);
                return port;
            } catch (IOException taken) {
                if (attempt == 5) {
                    throw taken;
                }
            }
        }
    }

    private static long upload(Object c, String file, byte[] data) throws Exception {
        Object sftp = Class.forName(Ssh2Clients.pkg() + ".SFTPv3Client").getConstructor(c.getClass()).newInstance(c);
        try {
            Object handle = invoke(sftp, "createFileTruncate", file);
            invoke(sftp, "write", handle, 0L, data, 0, data.length);
            invoke(sftp, "closeFile", handle);
            Object attributes = invoke(sftp, "stat", file);
            Long size = (Long) attributes.getClass().getField("size").get(attributes);
            invoke(sftp, "rm", file);
            return size == null ? -1 : size;
        } finally {
            invoke(sftp, "close");
        }
    }

    /**
     * The public method of that name whose arguments fit ({@code createLocalPortForwarder} has an {@code int} and an
     * address variant); the library's own exception, not the reflective wrapper, when it throws.
     */
    private static Object invoke(Object target, String name, Object... args) throws Exception {
        for (Method m : target.getClass().getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.length
                    && (args.length == 0 || m.getParameterTypes()[0].isInstance(args[0]))) {
                try {
                    return m.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
                }
            }
        }
        throw new NoSuchMethodException(target.getClass().getName() + "." + name + "/" + args.length);
    }
}
