package dev.lifeline.samples;

import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.IOUtils;
import net.schmizz.sshj.connection.channel.direct.Session;

/** Runs one command as sshj's README does, minus the timeout: read stdout to the end, {@code join()}, exit status. */
public final class SshjExec {
    public static void main(String[] args) {
        Target t = Target.parse(args, 1, "COMMAND");
        Result result = new Result("SshjExec");
        try {
            SSHClient ssh = SshjClients.connect(t, result);
            Result.ready("connected");
            Session session = ssh.startSession();
            Session.Command cmd = session.exec(t.rest[0]);
            result.phase("exec");
            Result.ready("exec");
            String out = IOUtils.readFully(cmd.getInputStream()).toString("UTF-8");
            cmd.join();
            result.endPhase();
            Integer exit = cmd.getExitStatus();
            session.close();
            ssh.disconnect();
            result.with("exit", exit).with("out", out.trim()).finish(exit != null && exit == 0 ? "ok" : "failed");
        } catch (Throwable e) {
            result.fail(e);
        }
    }
}
