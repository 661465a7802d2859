package dev.lifeline.policy;

import dev.lifeline.config.Config;
import dev.lifeline.config.Policy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;

/** The one decision for every library: the same inputs give the same plan and the same record, JSch or MINA. */
class SessionPolicyTest {
    static Policy policy(String args) {
        Config c = Config.load(args, Collections.emptyMap(), Collections.emptyMap());
        assertThat(c.errors()).isEmpty();
        return c.policyFor("db1.example", null, 22);
    }

    @AfterEach
    void noSource() {
        Policies.use(null);
    }

    @Test
    void fillSetsWhatTheAppLeftUnsetAndRecordsTheCountWithTheInterval() {
        SessionPlan plan = SessionPolicy.plan("jsch", policy("mode=fill,keepalive.interval=15s,keepalive.countMax=3"), 0, 1, 0);
        assertThat(plan.keepaliveIntervalMillis).isEqualTo(15000);
        assertThat(plan.keepaliveCountMax).isEqualTo(3);
        assertThat(plan.connectTimeoutMillis).isEqualTo(30000);
        assertThat(plan.connectDeadlineEnforced).isTrue();
        assertThat(plan.applied.toString()).isEqualTo("keepalive.interval=15s(set) keepalive.countMax=3(set) connect.timeout=30s(set)");
    }

    @Test
    void fillKeepsTheAppsOwnKeepalive() {
        SessionPlan plan = SessionPolicy.plan("sshd", policy("mode=fill"), 5000, 0, -1);
        assertThat(plan.setsKeepalive()).isFalse();
        assertThat(plan.applied.toString()).isEqualTo("keepalive.interval=5s(app)");
    }

    @Test
    void enforceLowersTheAppsIntervalAndOnlyLowersItsCount() {
        SessionPlan plan = SessionPolicy.plan("sshd", policy("mode=enforce,keepalive.interval=15s,keepalive.countMax=3"), 60000, 2, -1);
        assertThat(plan.keepaliveIntervalMillis).isEqualTo(15000);
        assertThat(plan.keepaliveCountMax).isEqualTo(2);
        assertThat(plan.connectDeadlineMillis).isZero(); // -1: the library has no connect timeout knob here
    }

    @Test
    void enforceCountsTheRepliesOfAnAppHeartbeatThatExpectsNoneAndFillLeavesIt() {
        // issue 28: the app's 2 s heartbeat is shorter than Lifeline's 15 s, so it stays; it counts no replies
        SessionPlan enforce = SessionPolicy.plan("sshd", policy("mode=enforce,keepalive.interval=15s,keepalive.countMax=3"), 2000, 0, -1);
        assertThat(enforce.setsKeepalive()).isFalse();
        assertThat(SessionPolicy.countForUncountedAppHeartbeat(enforce, 2000, 0)).isEqualTo(3);
        assertThat(enforce.applied.toString()).isEqualTo("keepalive.interval=2s(app) keepalive.countMax=3(set)");

        SessionPlan fill = SessionPolicy.plan("sshd", policy("mode=fill"), 2000, 0, -1);
        assertThat(SessionPolicy.countForUncountedAppHeartbeat(fill, 2000, 0)).isEqualTo(SessionPlan.LEAVE);
        SessionPlan counted = SessionPolicy.plan("sshd", policy("mode=enforce"), 2000, 5, -1);
        assertThat(SessionPolicy.countForUncountedAppHeartbeat(counted, 2000, 5)).as("the app's own count").isEqualTo(SessionPlan.LEAVE);
        SessionPlan off = SessionPolicy.plan("sshd", policy("mode=enforce,keepalive.interval=0"), 2000, 0, -1);
        assertThat(SessionPolicy.countForUncountedAppHeartbeat(off, 2000, 0)).as("Lifeline's keepalive off").isEqualTo(SessionPlan.LEAVE);
    }

    @Test
    void auditSetsNothingAndReportsWhatFillWould() {
        SessionPlan plan = SessionPolicy.plan("jsch", policy("mode=audit"), 0, 1, 0);
        assertThat(plan.setsKeepalive()).isFalse();
        assertThat(plan.connectTimeoutMillis).isEqualTo(SessionPlan.LEAVE);
        assertThat(plan.connectDeadlineMillis).as("a would-fire watchdog").isEqualTo(30000);
        assertThat(plan.connectDeadlineEnforced).isFalse();
        assertThat(plan.applied.toString()).isEqualTo(
                "keepalive.interval=15s(would-set) keepalive.countMax=3(would-set) connect.timeout=30s(would-set)");
    }

    @Test
    void offOrNoSourceMeansNoPlanAndNoPolicy() {
        assertThat(SessionPolicy.plan("jsch", policy("mode=off"), 0, 1, 0)).isNull();
        assertThat(Policies.forHost("db1.example", null, 22)).isNull();
        Config off = Config.load("mode=off", Collections.emptyMap(), Collections.emptyMap());
        Policies.use(source(off, true));
        assertThat(Policies.forHost("db1.example", null, 22)).isNull();
        Config fill = Config.load("mode=fill", Collections.emptyMap(), Collections.emptyMap());
        Policies.use(source(fill, false));
        assertThat(Policies.forHost("db1.example", null, 22)).as("inactive agent").isNull();
        Policies.use(source(fill, true));
        assertThat(Policies.forHost("db1.example", null, 22)).isNotNull();
        assertThat(Policies.forAddress(java.net.InetSocketAddress.createUnresolved("db1.example", 22)).host()).isEqualTo("db1.example");
    }

    static Policies.Source source(Config c, boolean active) {
        return new Policies.Source() {
            @Override
            public Config config() {
                return c;
            }

            @Override
            public boolean active() {
                return active;
            }
        };
    }
}
