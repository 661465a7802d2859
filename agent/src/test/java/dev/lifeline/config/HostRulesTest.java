package dev.lifeline.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** OpenSSH semantics: for each key the first matching rule in file order that sets it wins, then the global value. */
class HostRulesTest {
    @TempDir
    Path dir;

    private Config config(String... lines) {
        Config c = ConfigFiles.load(ConfigFiles.write(dir, "rules.properties", lines), null);
        assertThat(c.errors()).isEmpty();
        return c;
    }

    @ParameterizedTest(name = "{0} {1}:{2} -> {3}")
    @CsvSource({
            "'*.prod.example.com', db1.prod.example.com, 22, true",
            "'*.prod.example.com', DB1.PROD.EXAMPLE.COM, 22, true",
            "'*.prod.example.com', prod.example.com, 22, false",
            "'db?.lan', db7.lan, 22, true",
            "'db?.lan', db17.lan, 22, false",
            "'10.0.0.0/8', 10.200.3.4, 22, true",
            "'10.0.0.0/8', 11.0.0.1, 22, false",
            "'192.168.1.0/25', 192.168.1.127, 22, true",
            "'192.168.1.0/25', 192.168.1.128, 22, false",
            "'10.1.2.3', 10.1.2.3, 22, true",
            "'*:2222', anything, 2222, true",
            "'*:2222', anything, 22, false",
            "'10.0.0.0/8:22', 10.1.1.1, 22, true",
            "'10.0.0.0/8:22', 10.1.1.1, 2222, false",
            "'fd00::/8', fd12::1, 22, true",
            "'fd00::/8', fe80::1, 22, false",
            "'[::1]:22', ::1, 22, true",
            "'[::1]:22', ::1, 23, false",
            "'[fd00::/8]:2200', fd00::5, 2200, true",
            "'*.lan !secret.lan', web.lan, 22, true",
            "'*.lan !secret.lan', secret.lan, 22, false",
            "'!secret.lan', other.lan, 22, false",
            "'*a*b', xaxxb, 22, true",
            "'*a*b', xbxxa, 22, false",
            "'a*', a, 22, true",
            "'**.lan', x.lan, 22, true",
            "'d*b*?.lan', db1.lan, 22, true",
            "'d*b*?.lan', db.lan, 22, false",
    })
    void patternsMatchHostNamesAddressesAndPorts(String match, String host, int port, boolean matches) {
        Config c = config("host.r.match = " + match, "host.r.keepalive.interval = 1s");
        assertThat(c.policyFor(host, null, port).keepaliveIntervalMillis()).isEqualTo(matches ? 1000 : 15000);
    }

    @Test
    void firstMatchingRuleThatSetsAKeyWinsThenGlobal() {
        Config c = config(
                "keepalive.interval = 20s", "close.timeout = 9s",
                "host.db.match = db*.prod", "host.db.keepalive.interval = 5s",
                "host.prod.match = *.prod", "host.prod.keepalive.interval = 7s", "host.prod.keepalive.countMax = 5");
        Policy p = c.policyFor("db1.prod", null, 22);
        assertThat(p.keepaliveIntervalMillis()).isEqualTo(5000);
        assertThat(p.source("keepalive.interval")).startsWith("rule db (");
        assertThat(p.keepaliveCountMax()).isEqualTo(5);
        assertThat(p.source("keepalive.countMax")).startsWith("rule prod (");
        assertThat(p.closeTimeoutMillis()).isEqualTo(9000);
        assertThat(p.rules()).isEqualTo("db,prod");
        Policy web = c.policyFor("web.prod", null, 22);
        assertThat(web.keepaliveIntervalMillis()).isEqualTo(7000);
        assertThat(web.rules()).isEqualTo("prod");
        Policy other = c.policyFor("other", null, 22);
        assertThat(other.keepaliveIntervalMillis()).isEqualTo(20000);
        assertThat(other.rules()).isEqualTo("global");
    }

    @Test
    void aHostNameMatchesAnAddressRuleThroughItsResolvedAddress() throws Exception {
        Config c = config("host.lan.match = 10.0.0.0/8", "host.lan.mode = enforce");
        InetAddress resolved = InetAddress.getByAddress("build.lan", new byte[]{10, 1, 2, 3});
        assertThat(c.policyFor("build.lan", resolved, 22).mode()).isEqualTo(Mode.ENFORCE);
        assertThat(c.policyFor("build.lan", null, 22).mode()).isEqualTo(Mode.FILL);
    }

    @Test
    void policiesAreResolvedOncePerHostAndPort() {
        Config c = config("host.r.match = *", "host.r.keepalive.interval = 1s");
        assertThat(c.policyFor("a", null, 22)).isSameAs(c.policyFor("a", null, 22));
        assertThat(c.policyFor("a", null, 22)).isNotSameAs(c.policyFor("a", null, 23));
    }

    /** Issue 13: {@code *a*a*...*b} against a long near-miss backtracked exponentially (as a regex) in JSch's connect. */
    @Test
    void aPatternOfManyStarsAgainstALongHostNameCompletesAtOnce() {
        String pattern = "*a".repeat(30) + "*b";
        String host = "a".repeat(200) + ".example.com";
        Config c = config("host.r.match = " + pattern, "host.r.keepalive.interval = 1s");
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> {
            assertThat(c.policyFor(host, null, 22).keepaliveIntervalMillis()).isEqualTo(15000);
            assertThat(c.policyFor(host + "b", null, 22).keepaliveIntervalMillis()).isEqualTo(1000);
        });
    }

    /** Same answers as the regex it replaced ({@code *} = {@code .*}, {@code ?} = {@code .}), on every small case. */
    @Test
    void theGlobMatcherAgreesWithTheRegexItReplaced() {
        String[] patterns = {"*", "?", "a", "*a", "a*", "*a*", "a*b", "*a*b", "a?b", "?*?", "**", "*?a*", "a*a*a", "*ab*ba*"};
        java.util.List<String> texts = new java.util.ArrayList<>(java.util.List.of(""));
        for (int len = 1; len <= 6; len++) {
            for (int bits = 0; bits < (1 << len); bits++) {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < len; i++) {
                    b.append((bits >> i & 1) == 0 ? 'a' : 'b');
                }
                texts.add(b.toString());
            }
        }
        for (String p : patterns) {
            java.util.regex.Pattern regex = java.util.regex.Pattern.compile(p.replace("?", ".").replace("*", ".*"));
            for (String t : texts) {
                assertThat(HostPattern.globMatches(p, t)).as("%s against '%s'", p, t).isEqualTo(regex.matcher(t).matches());
            }
        }
    }

    /** Issue 13: what can never take effect is said at once (a warning: the file stays valid, as it was). */
    @Test
    void aRuleOfNegationsOnlyAndACidrWithHostBitsAreWarnings() {
        Config c = config("host.r.match = !db* !10.0.0.0/8", "host.r.mode = off", "host.n.match = 10.0.0.1/8 fd00::1/8 10.1.0.0/16",
                "host.n.mode = audit");
        assertThat(c.policyFor("web", null, 22).mode()).as("never matches").isEqualTo(Mode.FILL);
        assertThat(c.policyFor("10.9.9.9", null, 22).mode()).as("10.0.0.1/8 means 10.0.0.0/8").isEqualTo(Mode.AUDIT);
        Path f = dir.resolve("rules.properties");
        assertThat(c.warnings()).extracting(ConfigWarning::event, ConfigWarning::toString).containsExactly(
                org.assertj.core.groups.Tuple.tuple("config.cidr-host-bits", f + ":3: host.n.match: '10.0.0.1/8' has host"
                        + " bits set: it means the network 10.0.0.0/8 (every address in it); write 10.0.0.0/8, or the"
                        + " address alone for one host"),
                org.assertj.core.groups.Tuple.tuple("config.cidr-host-bits", f + ":3: host.n.match: 'fd00::1/8' has host"
                        + " bits set: it means the network fd00::/8 (every address in it); write fd00::/8, or the"
                        + " address alone for one host"),
                org.assertj.core.groups.Tuple.tuple("config.rule-never-matches", f + ":1: host.r.match: \"!db* !10.0.0.0/8\""
                        + " has only negated patterns, so the rule can never match (as in OpenSSH, a host must match a"
                        + " positive pattern); to mean every host but these, write * first: \"* !db* !10.0.0.0/8\""));
        assertThat(config("host.a.match = 10.0.0.0/8 10.1.2.3 ::1 fd00::/8 *.lan !x.lan", "host.a.mode = audit").warnings())
                .isEmpty();
    }
}
