package dev.lifeline.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** system property > environment > agent argument > file > default, per key, each with its source. */
class PrecedenceTest {
    @TempDir
    Path dir;

    @Test
    void anEmptyConfigurationAlreadyProtectsWithTheDocumentedDefaults() {
        Policy p = Config.load(null, Map.of(), Map.of()).policyFor("h", null, 22);
        assertThat(p.describe()).isEqualTo("mode=fill keepalive.interval=15s keepalive.countMax=3 tcp.keepalive=true "
                + "tcp.keepalive.idle=60s tcp.keepalive.interval=10s tcp.keepalive.count=3 connect.timeout=30s "
                + "exec.timeout=0 exec.idleTimeout=0 exec.killGrace=2s close.timeout=5s sftp.timeout=0 forward.idleTimeout=0");
        assertThat(p.source("keepalive.interval")).isEqualTo("default");
        assertThat(p.rules()).isEqualTo("global");
    }

    @Test
    void eachLayerBeatsTheOneBelowKeyByKey() {
        Path f = ConfigFiles.write(dir, "l.properties",
                "keepalive.interval = 10s", "keepalive.countMax = 4", "connect.timeout = 20s", "close.timeout = 9s");
        Config c = ConfigFiles.load(f, "keepalive.countMax=5,connect.timeout=21s,close.timeout=8s",
                Map.of("lifeline.close.timeout", "7s"),
                Map.of("LIFELINE_CONNECT_TIMEOUT", "22s", "LIFELINE_CLOSE_TIMEOUT", "6s"));
        assertThat(c.errors()).isEmpty();
        Policy p = c.policyFor("any", null, 22);
        assertThat(p.keepaliveIntervalMillis()).isEqualTo(10000);
        assertThat(p.source("keepalive.interval")).isEqualTo(f + ":1");
        assertThat(p.keepaliveCountMax()).isEqualTo(5);
        assertThat(p.source("keepalive.countMax")).isEqualTo("agent argument");
        assertThat(p.connectTimeoutMillis()).isEqualTo(22000);
        assertThat(p.source("connect.timeout")).isEqualTo("environment LIFELINE_CONNECT_TIMEOUT");
        assertThat(p.closeTimeoutMillis()).isEqualTo(7000);
        assertThat(p.source("close.timeout")).isEqualTo("system property lifeline.close.timeout");
        assertThat(p.execKillGraceMillis()).isEqualTo(2000);
        assertThat(p.source("exec.killGrace")).isEqualTo("default");
    }

    @Test
    void environmentNamesMapCamelCaseKeysAndHostRules() {
        Config c = Config.load("", Map.of(), Map.of("LIFELINE_KEEPALIVE_COUNTMAX", "2",
                "LIFELINE_HOST_PROD_MATCH", "*.prod", "LIFELINE_HOST_PROD_TCP_KEEPALIVE_INTERVAL", "4s"));
        assertThat(c.errors()).isEmpty();
        Policy p = c.policyFor("db.prod", null, 22);
        assertThat(p.keepaliveCountMax()).isEqualTo(2);
        assertThat(p.tcpKeepaliveIntervalMillis()).isEqualTo(4000);
        assertThat(p.keepaliveIntervalMillis()).isEqualTo(15000);
    }

    @Test
    void anOverrideCanChangeOneKeyOfARuleDefinedInTheFile() {
        Path f = ConfigFiles.write(dir, "l.properties", "host.prod.match = *.prod", "host.prod.keepalive.interval = 5s");
        Config c = ConfigFiles.load(f, null, Map.of("lifeline.host.prod.keepalive.interval", "2s"), Map.of());
        Policy p = c.policyFor("a.prod", null, 22);
        assertThat(p.keepaliveIntervalMillis()).isEqualTo(2000);
        assertThat(p.source("keepalive.interval")).isEqualTo("rule prod (system property lifeline.host.prod.keepalive.interval)");
    }

    @Test
    void agentArgumentWithoutAFileIsValid() {
        Config c = Config.load("keepalive.interval=3s,mode=enforce", Map.of(), Map.of());
        assertThat(c.errors()).isEmpty();
        assertThat(c.file()).isNull();
        assertThat(c.mode()).isEqualTo(Mode.ENFORCE);
        assertThat(c.policyFor("x", null, 22).keepaliveIntervalMillis()).isEqualTo(3000);
    }

    @Test
    void globalOffIsAKillSwitchOverEveryRule() {
        Path f = ConfigFiles.write(dir, "l.properties", "host.prod.match = *", "host.prod.mode = enforce");
        Config c = ConfigFiles.load(f, null, Map.of(), Map.of("LIFELINE_MODE", "off"));
        Policy p = c.policyFor("a", null, 22);
        assertThat(p.mode()).isEqualTo(Mode.OFF);
        assertThat(p.source("mode")).contains("environment LIFELINE_MODE").contains("global off wins");
    }

    @Test
    void inlineCommentsPastedFromTheDocsAreIgnored() {
        Path f = ConfigFiles.write(dir, "l.properties",
                "# comment", "! also a comment", "", "mode = enforce   # fill, enforce, audit or off",
                "keepalive.interval: 5s", "keepalive.countMax 2");
        Config c = ConfigFiles.load(f, null);
        assertThat(c.errors()).isEmpty();
        assertThat(c.mode()).isEqualTo(Mode.ENFORCE);
        assertThat(c.policyFor("a", null, 22).keepaliveIntervalMillis()).isEqualTo(5000);
        assertThat(c.policyFor("a", null, 22).keepaliveCountMax()).isEqualTo(2);
    }
}
