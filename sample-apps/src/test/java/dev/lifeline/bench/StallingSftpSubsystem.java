package dev.lifeline.bench;

import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.subsystem.SubsystemFactory;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An SFTP server (protocol 3, just what the clients' downloads and listings ask) that writes part of one response and
 * then freezes, as a server whose disk or NFS mount hangs while it writes a large packet looks: the SSH connection lives
 * and answers everything else, the client holds a response's header and the start of its body, and the rest never
 * comes. Reads of any file are answered in full up to {@link #FULL_BYTES}; the first read beyond, and the first
 * {@code READDIR}, get their header and {@link #PARTIAL_BODY} bytes of body; nothing is answered after. Each stall's
 * instant is kept for the test ({@link #stalls}).
 */
final class StallingSftpSubsystem implements Command {
    static final int FULL_BYTES = 256 * 1024;
    static final int PARTIAL_BODY = 1000;
    private static final int FILE_SIZE = 64 << 20;
    private static final String DIR = "/dir";

    private final Queue<Long> stalls;
    private InputStream in;
    private OutputStream out;
    private ExitCallback exit;
    private Thread thread;

    private StallingSftpSubsystem(Queue<Long> stalls) {
        this.stalls = stalls;
    }

    /** @param stalls gets {@code System.nanoTime()} of each stall */
    static SubsystemFactory factory(Queue<Long> stalls) {
        return new SubsystemFactory() {
            @Override
            public String getName() {
                return "sftp";
            }

            @Override
            public Command createSubsystem(ChannelSession channel) {
                return new StallingSftpSubsystem(stalls);
            }
        };
    }

    static Queue<Long> newStalls() {
        return new ConcurrentLinkedQueue<>();
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        thread = new Thread(this::serve, "stalling-sftp");
        thread.setDaemon(true);
        thread.start();
    }

    private void serve() {
        boolean stalled = false;
        try {
            DataInputStream requests = new DataInputStream(in);
            while (true) {
                byte[] packet = new byte[requests.readInt()];
                requests.readFully(packet);
                if (!stalled) {
                    stalled = answer(new DataInputStream(new java.io.ByteArrayInputStream(packet)));
                }
                // once stalled: requests are read (the client's writes go through) and never answered
            }
        } catch (IOException | RuntimeException closed) {
            if (exit != null) {
                exit.onExit(0);
            }
        }
    }

    /** @return true when this answer was the partial one */
    private boolean answer(DataInputStream r) throws IOException {
        int type = r.readUnsignedByte();
        if (type == 1) { // INIT
            send(packet(2).i(3));
            return false;
        }
        int id = r.readInt();
        switch (type) {
            case 16: // REALPATH
                send(packet(104).i(id).i(1).s("/").s("/").i(0));
                return false;
            case 17: // STAT
            case 7: // LSTAT
                send(packet(105).i(id).attrs(string(r).startsWith(DIR)));
                return false;
            case 8: // FSTAT
                send(packet(105).i(id).attrs(false));
                return false;
            case 3: // OPEN
            case 11: // OPENDIR
                send(packet(102).i(id).s("h" + id));
                return false;
            case 4: // CLOSE
                send(packet(101).i(id).i(0).s("").s(""));
                return false;
            case 5: { // READ
                string(r);
                long offset = r.readLong();
                int len = Math.min(r.readInt(), 32 * 1024);
                Reply data = packet(103).i(id).i(len).bytes(new byte[len]);
                if (offset < FULL_BYTES) {
                    send(data);
                    return false;
                }
                sendPart(data);
                return true;
            }
            case 12: { // READDIR
                Reply names = packet(104).i(id).i(200);
                for (int i = 0; i < 200; i++) {
                    String n = "file-" + i;
                    names.s(n).s("-rw-r--r--    1 0 0 100 Jan  1 00:00 " + n).attrs(false);
                }
                sendPart(names);
                return true;
            }
            default:
                send(packet(101).i(id).i(8).s("unsupported").s("")); // STATUS OP_UNSUPPORTED
                return false;
        }
    }

    private static String string(DataInputStream r) throws IOException {
        byte[] b = new byte[r.readInt()];
        r.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private void send(Reply reply) throws IOException {
        out.write(reply.framed());
        out.flush();
    }

    /** The length, type, id and the first {@link #PARTIAL_BODY} bytes of the rest: then the freeze. */
    private void sendPart(Reply reply) throws IOException {
        byte[] all = reply.framed();
        out.write(all, 0, 9 + PARTIAL_BODY);
        out.flush();
        stalls.add(System.nanoTime());
    }

    private static Reply packet(int type) {
        return new Reply(type);
    }

    /** One response's payload, built up; {@link #framed} adds its length. */
    private static final class Reply {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream data = new DataOutputStream(bytes);

        Reply(int type) {
            bytes.write(type);
        }

        Reply i(int v) throws IOException {
            data.writeInt(v);
            return this;
        }

        Reply s(String v) throws IOException {
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            data.writeInt(b.length);
            data.write(b);
            return this;
        }

        Reply bytes(byte[] b) throws IOException {
            data.write(b);
            return this;
        }

        /** Size and permissions: a regular file of {@link #FILE_SIZE} bytes, or a directory. */
        Reply attrs(boolean directory) throws IOException {
            data.writeInt(0x1 | 0x4);
            data.writeLong(directory ? 4096 : FILE_SIZE);
            data.writeInt(directory ? 040755 : 0100644);
            return this;
        }

        byte[] framed() throws IOException {
            data.flush();
            byte[] payload = bytes.toByteArray();
            ByteArrayOutputStream framed = new ByteArrayOutputStream(payload.length + 4);
            new DataOutputStream(framed).writeInt(payload.length);
            framed.write(payload);
            return framed.toByteArray();
        }
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        exit = callback;
    }

    @Override
    public void setErrorStream(OutputStream err) {
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void destroy(ChannelSession channel) {
        if (thread != null) {
            thread.interrupt();
        }
    }
}
