package dev.lifeline.instrument;

import dev.lifeline.jsch.JschModule;
import dev.lifeline.sshj.SshjModule;
import dev.lifeline.sshd.SshdModule;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** The libraries Lifeline covers: one line each. */
public final class Modules {
    private Modules() {
    }

    public static List<InstrumentationModule> all() {
        return Collections.unmodifiableList(Arrays.<InstrumentationModule>asList(new JschModule(), new SshdModule(), new SshjModule()));
    }
}
