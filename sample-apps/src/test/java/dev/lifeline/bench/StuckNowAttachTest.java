package dev.lifeline.bench;

import dev.lifeline.bench.Bench.Library;
import dev.lifeline.samples.ForkedJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 24: a JVM that is stuck now, rescued by {@code attach}. The app runs without the agent against two real
 * OpenSSH servers: a thread blocked reading an idle shell on the first, whose packets are then silently dropped (nft),
 * and an exec of a {@code sleep} waited on over the second. Ten seconds after the cut (the control: nothing wakes;
 * once per library, on JDK 17), Lifeline is attached with keepalive 1 s × 3 and {@code exec.timeout=3s}: the blocked
 * thread is woken within {@code interval × (countMax + 1) + 2 s} of the attach, the exec is ended by its deadline
 * counted from the attach (sshj and the Ganymed family, whose channels cannot tell an exec from a shell, by the waiting
 * thread's call site: sshj's {@code join()} on a {@code Session.Command}, or, for sshj's second exec, a thread reading
 * its stdout taken from a {@code Session.Command}; the family's wait in the method that ran {@code execCommand}), and
 * the healthy session still runs a command afterwards. One forked app per case (each library on JDK 17: Jenkins'
 * Trilead fork and Ganymed 262 for the family; JSch also on 11 and 25), one JSch case in {@code mode=audit}, where
 * nothing may change until the same JVM is attached again in enforce (the recipe), and one case of the second way
 * Lifeline arrives at sessions already open: the app started with {@code -javaagent} in {@code mode=off} (the kill
 * switch), then attached with the file ({@code via=attach-again}); that case runs its exec through Jenkins'
 * {@code Connection.exec}, whose output is read by pump threads the method joins.
 */
class StuckNowAttachTest {
    private static final long INTERVAL_MS = 1000;
    private static final int COUNT_MAX = 3;
    private static final long BOUND_MS = INTERVAL_MS * (COUNT_MAX + 1) + 2000;
    private static final long CONTROL_MS = 10_000;
    private static final Pattern WOKE = Pattern.compile("^EVENT woke ");
    private static final Pattern EXEC_ENDED = Pattern.compile("^EVENT exec-ended ");
    /** sshj's second exec, read the common way (stdout to its end, then join()): see SshjStuckNow. */
    private static final Pattern EXEC_READ_ENDED = Pattern.compile("^EVENT exec-read-ended ");

    private static Path jdk(String name) {
        switch (name) {
            case "11":
                return Bench.JDK11;
            case "25":
                return Bench.JDK25;
            default:
                return Bench.defaultJdk();
        }
    }

    /** How the app waits on its exec: in the method that ran {@code execCommand}, or in Jenkins' {@code Connection.exec}. */
    private static final String WAITER = "waiter";
    private static final String CONNECTION_EXEC = "Connection.exec";
    /** Lifeline given to the app at start in {@code mode=off}, then attached with the file (the second way in). */
    private static final String PREMAIN_OFF = "premain-off";

    /**
     * By default each library once on JDK 17 (JSch mwiede, MINA 2.20, sshj 0.40, Jenkins' Trilead fork, Ganymed 262),
     * JSch on JDK 11 and 25, and the audit-then-enforce recipe; {@code -Dlifeline.test.rescueAll=true} adds the other
     * lines whose live-session path differs: MINA 2.7 and 2.12 (heartbeat reply wait, not count), 2.14 in audit, jcraft
     * JSch 0.1.55 (the session is the reader thread's task itself, not a lambda's capture), sshj 0.27, sshj 0.40 in
     * audit (then enforce), and Trilead build222 in audit (then enforce): each library's audit attach is then shown to
     * touch nothing (JSch's by default). The Ganymed family also by default: Jenkins' fork in {@code mode=off} from
     * the start then attached, its exec run by {@code Connection.exec} (no control: the fork's enforce case has it);
     * with {@code -Dlifeline.tests=full} also on JDK 11 and 25 (the fork's JDK 25 case by {@code Connection.exec}) and
     * Ganymed 262 and JSch started in {@code mode=off}.
     */
    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>(Arrays.asList(Arguments.of("jsch", "17", "enforce", WAITER),
                Arguments.of("sshd", "17", "enforce", WAITER), Arguments.of("sshj", "17", "enforce", WAITER),
                Arguments.of("jsch", "11", "enforce", WAITER), Arguments.of("jsch", "25", "enforce", WAITER),
                Arguments.of("jsch", "17", "audit", WAITER), Arguments.of("trilead-jenkins-217", "17", "enforce", WAITER),
                Arguments.of("ganymed-262", "17", "enforce", WAITER),
                Arguments.of("trilead-jenkins-217", "17", PREMAIN_OFF, CONNECTION_EXEC)));
        if (Bench.fullSuite() || Boolean.getBoolean("lifeline.test.rescueAll")) {
            cases.addAll(Arrays.asList(Arguments.of("sshd-2.7.0", "17", "enforce", WAITER),
                    Arguments.of("sshd-2.12.1", "17", "enforce", WAITER), Arguments.of("sshd-2.14.0", "17", "audit", WAITER),
                    Arguments.of("jsch-jcraft-0.1.55", "17", "enforce", WAITER), Arguments.of("sshj-0.27.0", "17", "enforce", WAITER),
                    Arguments.of("sshj", "17", "audit", WAITER), Arguments.of("trilead-build222", "17", "audit", WAITER)));
        }
        if (Bench.fullSuite()) {
            cases.addAll(Arrays.asList(Arguments.of("trilead-jenkins-217", "11", "enforce", WAITER),
                    Arguments.of("trilead-jenkins-217", "25", "enforce", CONNECTION_EXEC),
                    Arguments.of("ganymed-262", "11", "enforce", WAITER), Arguments.of("ganymed-262", "25", "enforce", WAITER),
                    Arguments.of("ganymed-262", "17", PREMAIN_OFF, WAITER), Arguments.of("jsch", "17", PREMAIN_OFF, WAITER)));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} on JDK {1}, mode={2}, exec by {3}")
    @MethodSource("cases")
    void attachRescuesTheSessionsAlreadyOpen(String libCase, String jdkName, String mode, String execBy, @TempDir Path dir)
            throws Exception {
        Requirements.require(PacketDrop.available(), "needs root and nft");
        Path jdk = jdk(jdkName);
        if (System.getenv("CI") == null) {
            Assumptions.assumeTrue(Files.isExecutable(jdk.resolve("bin/java")), "JDK " + jdkName + " not installed at " + jdk);
        }
        // "sshd-2.7.0", "jsch-jcraft-0.1.55": a library directory of target/libs (the extra cases, see cases())
        String libDir = libCase.contains("-") ? libCase : null;
        String lib = libDir != null ? libCase.substring(0, libCase.indexOf('-')) : libCase;
        boolean jsch = lib.equals("jsch");
        boolean audit = mode.equals("audit");
        boolean premainOff = mode.equals(PREMAIN_OFF);
        boolean sshj = lib.equals("sshj");
        boolean ssh2 = lib.equals("trilead") || lib.equals("ganymed");
        String app = jsch ? "JschStuckNow" : sshj ? "SshjStuckNow" : ssh2 ? "Ssh2StuckNow" : "MinaStuckNow";
        if (libDir == null) {
            libDir = jsch ? Library.JSCH_MWIEDE.dir : sshj ? "sshj-" + dev.lifeline.samples.Versions.SSHJ : Library.SSHD.dir;
        }
        String command = ExecDeadlineTest.sleepForever();
        Path config = Files.write(dir.resolve("lifeline.properties"), ("mode = " + (premainOff ? "enforce" : mode)
                + "\nkeepalive.interval = 1s\n"
                + "keepalive.countMax = " + COUNT_MAX + "\nexec.timeout = 3s\n").getBytes(StandardCharsets.UTF_8));
        // the Ganymed family's newest key exchange is diffie-hellman-group14-sha1, which OpenSSH no longer offers by default
        String[] serverConfig = ssh2 ? Ssh2FamilyTest.OLD_ALGORITHMS : new String[0];
        try (OpenSshServer cutServer = OpenSshServer.start(serverConfig);
             OpenSshServer healthyServer = OpenSshServer.start(serverConfig)) {
            List<String> args = new ArrayList<>(Arrays.asList(cutServer.target()));
            args.addAll(Arrays.asList(healthyServer.targetUnprivileged(command)));
            ForkedJvm.Builder builder = Bench.app(app, libDir, jdk).args(args.toArray(new String[0])).keepStdin();
            if (execBy.equals(CONNECTION_EXEC)) {
                builder.sysprop("samples.connectionExec", "true");
            }
            if (premainOff) {
                Bench.withAgent(builder, "mode=off"); // shipped switched off: nothing is woven until the attach
            }
            try (ForkedJvm jvm = builder.start()) {
                jvm.awaitLine(Pattern.compile("^READY all"), 60_000);
                try (PacketDrop drop = PacketDrop.on(cutServer.port)) {
                    // the control: the peer cut for 10 s, and without Lifeline nothing wakes (once per library, on JDK 17)
                    if (mode.equals("enforce") && jdkName.equals("17")) {
                        await().during(Duration.ofMillis(CONTROL_MS)).atMost(Duration.ofMillis(CONTROL_MS + 2000))
                                .until(() -> jvm.stdout().stream().noneMatch(l -> WOKE.matcher(l).find()
                                        || EXEC_ENDED.matcher(l).find() || EXEC_READ_ENDED.matcher(l).find()));
                    }
                    CompletableFuture<AgentCli> attach = CompletableFuture.supplyAsync(() -> {
                        try {
                            return AgentCli.run("attach", String.valueOf(jvm.pid()), config.toString());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    jvm.awaitLine(Pattern.compile("event=attach\\.found-sessions" + (premainOff ? " via=attach-again" : "")), 60_000);
                    long attachedAt = System.nanoTime();
                    if (audit) {
                        AgentCli audited = attach.get(60, TimeUnit.SECONDS);
                        assertThat(audited.output).contains(lib + ": 2 sessions open, 2 would be brought under protection")
                                .contains("mode=audit: nothing was changed");
                        // nothing touched: still blocked a full keepalive bound after the attach, and the exec, past
                        // exec.timeout by then, still running
                        await().during(Duration.ofMillis(BOUND_MS)).atMost(Duration.ofMillis(BOUND_MS + 2000))
                                .until(() -> jvm.stdout().stream().noneMatch(l -> WOKE.matcher(l).find()
                                        || EXEC_ENDED.matcher(l).find() || EXEC_READ_ENDED.matcher(l).find()));
                        assertThat(jvm.stderr()).anyMatch(l -> l.contains("event=session.found-at-attach")
                                && l.contains("mode=audit") && l.contains("would-set"));
                        assertThat(jvm.stderr()).noneMatch(l -> l.contains("event=keepalive.declared-dead"));
                        // the recipe's second step: the same JVM attached again with the file in enforce
                        Files.write(config, Files.readAllLines(config).stream().map(l -> l.startsWith("mode") ? "mode = enforce" : l)
                                .collect(java.util.stream.Collectors.toList()));
                        attach = CompletableFuture.supplyAsync(() -> {
                            try {
                                return AgentCli.run("attach", String.valueOf(jvm.pid()), config.toString());
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
                        jvm.awaitLine(Pattern.compile("event=attach\\.found-sessions via=attach-again"), 60_000);
                        attachedAt = System.nanoTime();
                    }
                    // sshj's exec read through its stdout: when its read ends, taken as the line comes (the waits below
                    // come first)
                    long readFrom = attachedAt;
                    CompletableFuture<Long> readEnded = !sshj ? null : CompletableFuture.supplyAsync(() -> {
                        try {
                            jvm.awaitLine(EXEC_READ_ENDED, 30_000);
                            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - readFrom);
                        } catch (Exception e) {
                            return -1L; // not seen: the assertion below says so with the output
                        }
                    });
                    jvm.awaitLine(WOKE, BOUND_MS + 5000);
                    long wokeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - attachedAt);
                    Measurements.record("thread blocked on a dead peer, woken after attach" + (audit ? " (after an audit attach)" : "")
                            + (premainOff ? " (started in mode=off)" : "") + ", " + app + (ssh2 ? " " + libDir : "") + " JDK " + jdkName + " 1s x3",
                            wokeMs);
                    assertThat(wokeMs).as(jvm.output()).isLessThanOrEqualTo(BOUND_MS);
                    assertThat(jvm.stderr()).anyMatch(l -> l.contains("event=keepalive.declared-dead") && l.contains("lib=" + lib));

                    AgentCli cli = attach.get(60, TimeUnit.SECONDS);
                    assertThat(cli.exit).as(cli.output).isZero();
                    assertThat(cli.output).contains("sessions already open (found at attach):")
                            .contains(lib + ": 2 sessions open, 2 brought under protection");
                    String ended = jvm.awaitLine(EXEC_ENDED, 15_000);
                    long endedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - attachedAt);
                    // counted from the attach: the exec had run for over 10 s, so from its start it would fire at once;
                    // Jenkins' Connection.exec, once its pumps end, waits up to 3 s more for an exit status (its own code)
                    assertThat(endedMs).as(ended).isBetween(2500L, 3000L + 5000L + (execBy.equals(CONNECTION_EXEC) ? 3000L : 0L));
                    assertThat(jvm.stderr()).anyMatch(l -> l.contains("event=exec.deadline-fired"));
                    if (sshj) {
                        // the exec whose stdout a thread reads: told by the method that took the stream from a
                        // Session.Command, ended by the same deadline counted from the attach
                        long readMs = readEnded.get(40, TimeUnit.SECONDS);
                        Measurements.record("exec read through its stdout, ended after attach, " + app + " JDK " + jdkName
                                + " exec.timeout=3s", readMs);
                        assertThat(readMs).as(jvm.output()).isBetween(2500L, 3000L + 5000L);
                        // both execs' deadlines, armed at the attach, fired (the agent's own lines)
                        assertThat(jvm.stderr().stream().filter(l -> l.contains("event=exec.deadline-fired"))).hasSize(2);
                        assertThat(jvm.stderr()).anyMatch(l -> l.contains("event=session.found-at-attach")
                                && l.contains("2 exec channels") && l.contains("a thread waits in its join() as a Session.Command")
                                && l.contains("reads its stdout, taken by getInputStream() on a Session.Command in"
                                + " dev.lifeline.samples.SshjStuckNow.lambda$main$"));
                    }
                    if (sshj || ssh2) {
                        // the exec is told by its waiter's call site (sshj: join() on a Session.Command; the Ganymed
                        // family: the waiting method ran execCommand); the shell, read by a thread that did not start
                        // it, is named, not ended
                        assertThat(cli.output).contains("gets no exec deadline: exec or shell not known");
                        assertThat(jvm.stderr()).anyMatch(l -> l.contains("event=session.found-at-attach")
                                && l.contains("lib=" + lib) && l.contains("exec.deadlines"));
                    }
                    AgentCli sessions = AgentCli.run("sessions", String.valueOf(jvm.pid()));
                    assertThat(sessions.output).contains("found at attach");

                    jvm.send("run");
                    assertThat(jvm.awaitLine(Pattern.compile("^EVENT ran "), 30_000)).contains("output=alive");
                }
            } finally {
                ExecDeadlineTest.killRemote(command);
            }
        }
    }
}
