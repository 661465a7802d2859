package dev.lifeline.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** status --all without JVMs: the class list read, the verdict per JVM, the exit status, and what it prints. */
class HostStatusTest {
    private static final List<String[]> MODULES = Arrays.asList(new String[]{"jsch", "com.jcraft.jsch."},
            new String[]{"sshd", "org.apache.sshd."}, new String[]{"sshj", "net.schmizz."});

    private static Map<String, LoadedCopies.Copy> copies(String... lines) {
        Map<String, LoadedCopies.Copy> copies = new LinkedHashMap<>();
        for (String line : lines) {
            LoadedCopies.classLine(line, MODULES, copies);
        }
        return copies;
    }

    @Test
    void theClassListGivesEachLibraryPackageAndItsLoaders() {
        Map<String, LoadedCopies.Copy> c = copies("java.lang.Object/null", "|--com.jcraft.jsch.JSch/0x0000000000000001",
                "|  |--com.jcraft.jsch.Session/0x0000000000000002 (intf)", "|--com.jcraft.jsch.Util/0x0000000000000001",
                "|--com.jcraft.jsch.Session$$Lambda$1/0x00007faeb40070d0/0x0000000000000001",
                "|--vendor.shaded.com.jcraft.jsch.JSch/0x0000000000000001", "|--dev.lifeline.jsch.JschModule/0x1",
                "|--org.eclipse.jgit.transport.sshd.SshdSession/0x3", "|--org.apache.sshd.client.SshClient/null");
        assertThat(c.keySet()).containsExactly("com.jcraft.jsch", "vendor.shaded.com.jcraft.jsch", "org.apache.sshd");
        assertThat(c.get("com.jcraft.jsch").loaders).hasSize(2);
        assertThat(c.get("com.jcraft.jsch").relocated).isFalse();
        assertThat(c.get("vendor.shaded.com.jcraft.jsch").relocated).isTrue();
        assertThat(c.get("org.apache.sshd").library).isEqualTo("sshd");
    }

    private static JvmReport report(String lifeline, String mode, Map<String, LoadedCopies.Copy> copies, String... agentLines) {
        JvmReport r = new JvmReport("42", "app.jar");
        r.lifeline = lifeline;
        r.mode = mode;
        r.file = "/etc/lifeline.properties";
        r.copies = copies;
        r.lifelineLibraries = agentLines.length == 0 && lifeline.equals("none") ? null : new ArrayList<>(Arrays.asList(agentLines));
        return r;
    }

    @Test
    void theVerdictSaysProtectedOnlyWhereAnActiveLifelineWoveEveryCopy() {
        Map<String, LoadedCopies.Copy> jsch = copies("|--com.jcraft.jsch.JSch/0x1");
        String woven = "jsch 2.28.8 (com.jcraft.jsch) loader system: woven (3 classes)";
        assertThat(report("none", null, jsch).verdict()).isEqualTo(JvmReport.Verdict.UNPROTECTED);
        assertThat(report("none", null, copies()).verdict()).isEqualTo(JvmReport.Verdict.NO_SSH);
        assertThat(report("active", "fill", jsch, woven).verdict()).isEqualTo(JvmReport.Verdict.PROTECTED);
        assertThat(report("active", "enforce", jsch, woven).verdict()).isEqualTo(JvmReport.Verdict.PROTECTED);
        assertThat(report("active", "audit", jsch, woven).verdict()).isEqualTo(JvmReport.Verdict.UNPROTECTED);
        assertThat(report("off", "off", jsch).verdict()).isEqualTo(JvmReport.Verdict.UNPROTECTED);
        assertThat(report("starting", null, jsch).verdict()).isEqualTo(JvmReport.Verdict.UNKNOWN);
        assertThat(report("silent", null, jsch).verdict()).isEqualTo(JvmReport.Verdict.UNKNOWN);
        assertThat(report("active", "fill", copies("|--com.jcraft.jsch.JSch/0x1", "|--vendor.shaded.com.jcraft.jsch.JSch/0x1"),
                woven).verdict()).isEqualTo(JvmReport.Verdict.UNPROTECTED); // the relocated copy
        assertThat(report("active", "fill", jsch, "jsch 2.28.8 (com.jcraft.jsch) loader x@1: NOT protected: its class"
                + " loader cannot see the agent; left unchanged").verdict()).isEqualTo(JvmReport.Verdict.UNPROTECTED);
        JvmReport hooks = report("active", "fill", jsch, woven);
        hooks.hookFailures = 1;
        assertThat(hooks.verdict()).isEqualTo(JvmReport.Verdict.UNPROTECTED);
        JvmReport unread = report("none", null, null);
        unread.classListProblem = "jcmd VM.class_hierarchy failed";
        assertThat(unread.verdict()).isEqualTo(JvmReport.Verdict.UNKNOWN);
        // a JDK 8 target (no VM.class_hierarchy): the agent's own list is enough
        assertThat(report("active", "fill", null, woven).verdict()).isEqualTo(JvmReport.Verdict.PROTECTED);
    }

    @Test
    void anUnprotectedJvmDecidesTheExitThenOneThatDidNotAnswer() {
        JvmReport stopped = JvmReport.unanswered("7", "x", JvmReport.Verdict.NO_ANSWER, "no answer");
        JvmReport ok = report("active", "fill", copies());
        JvmReport bare = report("none", null, copies("|--com.jcraft.jsch.JSch/0x1"));
        assertThat(HostStatus.exitCode(List.of(ok))).isEqualTo(Cli.OK);
        assertThat(HostStatus.exitCode(List.of())).isEqualTo(Cli.OK);
        assertThat(HostStatus.exitCode(List.of(ok, stopped))).isEqualTo(Cli.NO_ANSWER);
        assertThat(HostStatus.exitCode(List.of(stopped, bare, ok))).isEqualTo(Cli.UNPROTECTED);
        assertThat(HostStatus.exitCode(List.of(JvmReport.unanswered("8", "y", JvmReport.Verdict.UNKNOWN, "attach refused"))))
                .isEqualTo(Cli.INVALID);
        assertThat(HostStatus.mainOf("app.jar --password hunter2")).isEqualTo("app.jar");
    }

    @Test
    void whatAJvmSaysReachesTheTerminalAndTheJsonEscaped() {
        String hostile = "/tmp/evil\u001b]0;owned\u0007\nUNPROTECTED  1  forged\u2028.jar";
        JvmReport r = report("active", "fill", copies("|--com.jcraft.jsch.JSch/0x1"), "jsch 2.28.8 (com.jcraft.jsch) loader"
                + " system: woven (1 class)");
        JvmReport evil = new JvmReport("43", hostile);
        evil.lifeline = "active";
        evil.mode = "fill";
        evil.file = hostile;
        evil.copies = r.copies;
        evil.lifelineLibraries = r.lifelineLibraries;
        List<JvmReport> reports = List.of(r, evil, JvmReport.unanswered("44", hostile, JvmReport.Verdict.NO_ANSWER, hostile));

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        HostStatusOutput.text(reports, 20_000, 5, 0, 0, TerminalText.wrap(new PrintStream(text, true)));
        String t = text.toString(StandardCharsets.UTF_8);
        assertThat(t.split("\n")).hasSize(2 + 3 + 1); // title, header, one line per JVM, counts: nothing forged
        assertThat(t).doesNotContain("\u001b").doesNotContain("\u2028").contains("\\u001b]0;owned\\u0007\\nUNPROTECTED");
        assertThat(t).containsPattern("(?m)^protected +42 +app\\.jar +active mode=fill file=/etc/lifeline\\.properties"
                + " +jsch 2\\.28\\.8: protected$");

        ByteArrayOutputStream json = new ByteArrayOutputStream();
        HostStatusOutput.json(reports, 20_000, 5, 0, 0, TerminalText.wrap(new PrintStream(json, true)));
        String j = json.toString(StandardCharsets.UTF_8);
        assertThat(j.chars().allMatch(c -> c == '\n' || (c >= ' ' && c <= '~'))).as(j).isTrue();
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = (Map<String, Object>) MiniJson.parse(j);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> jvms = (List<Map<String, Object>>) parsed.get("jvms");
        assertThat(jvms).hasSize(3);
        assertThat(jvms.get(1).get("main")).isEqualTo(hostile); // escaped in transit, the very value once parsed
        assertThat(((Map<?, ?>) jvms.get(1).get("lifeline")).get("file")).isEqualTo(hostile);
        assertThat(jvms.get(2).get("problem")).isEqualTo(hostile);
        assertThat(jvms.get(2).get("verdict")).isEqualTo("no-answer");
        assertThat(((Map<?, ?>) parsed.get("counts")).get("protected")).isEqualTo(2L);
    }
}
