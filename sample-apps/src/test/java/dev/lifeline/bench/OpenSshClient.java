package dev.lifeline.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The reference: OpenSSH's own client with the options Lifeline mirrors, run against the same server and fault. */
final class OpenSshClient implements AutoCloseable {
    private final Process process;

    private OpenSshClient(Process process) {
        this.process = process;
    }

    static OpenSshClient start(OpenSshServer server, String command, String... options) throws Exception {
        List<String> cmd = new ArrayList<>(Arrays.asList("ssh", "-T", "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                "-i", server.keys.privateKey.toString(), "-p", String.valueOf(server.port)));
        for (String o : options) {
            cmd.add("-o");
            cmd.add(o);
        }
        cmd.add(server.user + "@" + server.host);
        cmd.add(command);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        return new OpenSshClient(p);
    }

    /** Blocks until the remote command printed {@code line}. */
    void awaitLine(String line) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String l;
        while ((l = r.readLine()) != null) {
            if (l.equals(line)) {
                return;
            }
        }
        throw new IllegalStateException("ssh ended before printing " + line);
    }

    boolean waitForExit(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
