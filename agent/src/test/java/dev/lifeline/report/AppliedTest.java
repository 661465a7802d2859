package dev.lifeline.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AppliedTest {
    @Test
    void aQualifiedRecordSaysTheValueIsInertAndIsNoLongerASet() {
        Applied a = new Applied();
        a.record("keepalive.interval", "1s", "set");
        a.record("keepalive.countMax", 3, "set");
        a.qualify("keepalive.interval", "inert");
        a.qualify("keepalive.countMax", "inert");
        assertThat(a.toString()).isEqualTo("keepalive.interval=1s(set,inert) keepalive.countMax=3(set,inert)");
        assertThat(a.changedAnything()).isFalse();
    }

    @Test
    void onlyTheWholeKeyIsQualifiedAndAMissingOneChangesNothing() {
        Applied a = new Applied();
        a.record("tcp.keepalive.interval", "1s", "set");
        a.record("keepalive.interval", "5s", "app");
        a.qualify("keepalive.interval", "inert");
        a.qualify("keepalive.countMax", "inert");
        assertThat(a.toString()).isEqualTo("tcp.keepalive.interval=1s(set) keepalive.interval=5s(app,inert)");
    }
}
