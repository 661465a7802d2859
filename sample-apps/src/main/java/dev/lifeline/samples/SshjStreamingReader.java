package dev.lifeline.samples;

import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/** {@link JschStreamingReader} on sshj: the same two clients, readers and lines. */
public final class SshjStreamingReader {
    public static void main(String[] args) {
        Target t = Target.parse(args, 0, "");
        Result result = new Result("SshjStreamingReader");
        try {
            SSHClient busy = SshjClients.connect(t, result);
            SSHClient silent = SshjClients.connect(t, result);
            AtomicInteger lines = new AtomicInteger();
            Session busySession = busy.startSession();
            JschStreamingReader.reader("app-streaming-reader",
                    busySession.exec(JschStreamingReader.STREAM).getInputStream(), lines);
            Session silentSession = silent.startSession();
            JschStreamingReader.reader("app-silent-reader", silentSession.exec("sleep 600").getInputStream(),
                    new AtomicInteger());
            JschStreamingReader.await(lines);
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (!"close".equals(stdin.readLine())) {
                // the test looks meanwhile
            }
            busy.disconnect();
            silent.disconnect();
            Result.ready("closed");
            while (!"exit".equals(stdin.readLine())) {
                // wait
            }
            result.finish("ok");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
