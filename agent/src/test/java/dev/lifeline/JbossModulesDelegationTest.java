package dev.lifeline;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * premain adds the bootstrap bridge's package to {@code jboss.modules.system.pkgs} (TopologyTest#jschInAJbossModule
 * runs it in JBoss Modules): alone when unset, after what the operator set, never twice.
 */
class JbossModulesDelegationTest {
    private static final String KEY = LifelineAgent.JBOSS_MODULES_SYSTEM_PACKAGES;

    @AfterEach
    void clear() {
        System.clearProperty(KEY);
    }

    @Test
    void theBridgesPackageIsBootBridgesOwn() throws Exception {
        Field f = Class.forName("dev.lifeline.instrument.BootBridge").getDeclaredField("PACKAGE");
        f.setAccessible(true);
        assertThat(LifelineAgent.BRIDGE_PACKAGE.replace('.', '/') + "/").isEqualTo(f.get(null));
        assertThat(KEY).isEqualTo("jboss.modules.system.pkgs");
    }

    @Test
    void setWhenUnsetOrBlank() {
        LifelineAgent.delegateTheBridgeInJbossModules();
        assertThat(System.getProperty(KEY)).isEqualTo("dev.lifeline.bridge");
        System.setProperty(KEY, " ");
        LifelineAgent.delegateTheBridgeInJbossModules();
        assertThat(System.getProperty(KEY)).isEqualTo("dev.lifeline.bridge");
    }

    @Test
    void appendedToTheOperatorsPackagesOnce() {
        System.setProperty(KEY, "org.jboss.byteman, org.jboss.logmanager");
        LifelineAgent.delegateTheBridgeInJbossModules();
        assertThat(System.getProperty(KEY)).isEqualTo("org.jboss.byteman, org.jboss.logmanager,dev.lifeline.bridge");
        LifelineAgent.delegateTheBridgeInJbossModules();
        assertThat(System.getProperty(KEY)).isEqualTo("org.jboss.byteman, org.jboss.logmanager,dev.lifeline.bridge");
    }
}
