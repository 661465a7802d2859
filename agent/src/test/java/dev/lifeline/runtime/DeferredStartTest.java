package dev.lifeline.runtime;

import dev.lifeline.instrument.InstrumentationModule;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeferredStartTest {
    @Test
    void everyCoveredLibraryStartsTheAgent() {
        for (InstrumentationModule m : Libraries.all()) {
            assertThat(DeferredStart.TRIGGERS).as(m.name()).contains(m.packagePrefix());
        }
        assertThat(DeferredStart.triggers("com/trilead/ssh2/Connection")).isTrue();
        assertThat(DeferredStart.triggers("ch/ethz/ssh2/Connection")).isTrue();
        assertThat(DeferredStart.triggers("java/lang/String")).isFalse();
        assertThat(DeferredStart.triggers("com/jcraft/jzlib/ZStream")).isFalse();
        assertThat(DeferredStart.triggers("")).isFalse();
        for (String trigger : DeferredStart.TRIGGERS) { // the first-character shortcut lets every trigger through
            assertThat(DeferredStart.triggers(trigger + "Session")).as(trigger).isTrue();
        }
    }

    @Test
    void anArgumentIsAConfiguration() {
        assertThat(DeferredStart.nothingConfigured("/etc/lifeline.properties")).isFalse();
        assertThat(DeferredStart.nothingConfigured("mode=off")).isFalse();
    }
}
