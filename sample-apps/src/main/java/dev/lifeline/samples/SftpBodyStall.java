package dev.lifeline.samples;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.Session;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.sftp.RemoteFile;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClientFactory;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issue 25: SFTP responses whose body stops arriving (the server wrote part of a packet, then froze). Against a server
 * that does so (the tests' {@code StallingSftpSubsystem}), one connection per library and one SFTP channel per case,
 * all at once, with JSch, MINA and sshj on one class path: a download of {@code FILE} through each library's usual calls and a listing of {@code DIR}. Each
 * case that fails prints {@code FAILED <case> <exception>} at once, and reports {@code error_<case>} and
 * {@code session_<case>}, whether its SSH session is still open: only the SFTP channel should be closed (keys with
 * {@code _} for {@code -}). No timeout of the app's own: without Lifeline's {@code sftp.timeout} every case waits
 * forever.
 */
public final class SftpBodyStall {
    private static final Map<String, String> OUT = new ConcurrentHashMap<String, String>();

    public static void main(String[] args) throws Exception {
        final Target t = Target.parse(args, 2, "FILE DIR");
        final String file = t.rest[0];
        final String dir = t.rest[1];
        Result result = new Result("SftpBodyStall");
        List<Thread> cases = new ArrayList<Thread>();
        cases.add(run("jsch", () -> {
            Session s = JschClients.newSession(t);
            s.connect();
            join(run("jsch-get", () -> attempt("jsch-get", () -> open(s).get(file, discard()), s::isConnected)),
                    run("jsch-stream", () -> attempt("jsch-stream", () -> drain(open(s).get(file)), s::isConnected)),
                    run("jsch-ls", () -> attempt("jsch-ls", () -> open(s).ls(dir), s::isConnected)));
            return null;
        }));
        cases.add(run("mina", () -> {
            ClientSession s = MinaClients.session(MinaClients.start(t), t);
            SftpClientFactory f = SftpClientFactory.instance();
            join(run("mina-read", () -> attempt("mina-read", () -> drain(f.createSftpClient(s).read(file)), s::isOpen)),
                    run("mina-ls", () -> attempt("mina-ls", () -> f.createSftpClient(s).readDir(dir).forEach(e -> { }),
                            s::isOpen)));
            return null;
        }));
        cases.add(run("sshj", () -> {
            SSHClient ssh = SshjClients.connect(t);
            join(run("sshj-read", () -> attempt("sshj-read", () -> {
                try (RemoteFile f = ssh.newSFTPClient().open(file)) {
                    drain(f.new RemoteFileInputStream(0));
                }
            }, ssh::isConnected)),
                    run("sshj-ls", () -> attempt("sshj-ls", () -> ssh.newSFTPClient().ls(dir), ssh::isConnected)));
            return null;
        }));
        join(cases.toArray(new Thread[0]));
        for (Map.Entry<String, String> e : new TreeMap<String, String>(OUT).entrySet()) {
            result.with(e.getKey(), e.getValue());
        }
        result.finish("error");
    }

    interface Call {
        void run() throws Exception;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void join(Thread... threads) throws InterruptedException {
        for (Thread th : threads) {
            th.join();
        }
    }

    private static ChannelSftp open(Session s) throws Exception {
        ChannelSftp sftp = (ChannelSftp) s.openChannel("sftp");
        sftp.connect();
        return sftp;
    }

    /** The call, expected to fail; then whether the session it ran on is still open. */
    private static Void attempt(String name, Call call, Check session) throws Exception {
        try {
            call.run();
            OUT.put("error_" + key(name), "none");
        } catch (Exception e) {
            System.out.println("FAILED " + name + " " + e.getClass().getName());
            System.out.flush();
            OUT.put("error_" + key(name), e.getClass().getName() + ": " + e.getMessage());
        }
        OUT.put("session_" + key(name), session.ok() ? "open" : "closed");
        return null;
    }

    /** The result line's keys are words: jsch-get reports error_jsch_get. */
    private static String key(String name) {
        return name.replace('-', '_');
    }

    private static Thread run(String name, Callable<Void> body) {
        Thread th = new Thread(() -> {
            try {
                body.call();
            } catch (Throwable e) {
                System.out.println("BROKEN " + name + " " + e);
                System.out.flush();
                OUT.put("error_" + key(name), "setup: " + e);
            }
        }, name);
        th.setDaemon(true);
        th.start();
        return th;
    }

    private static void drain(InputStream in) throws Exception {
        try (InputStream s = in) {
            byte[] buf = new byte[8192];
            while (s.read(buf) >= 0) {
                // discard
            }
        }
    }

    private static OutputStream discard() {
        return new OutputStream() {
            @Override
            public void write(int b) {
            }

            @Override
            public void write(byte[] b, int off, int len) {
            }
        };
    }
}
