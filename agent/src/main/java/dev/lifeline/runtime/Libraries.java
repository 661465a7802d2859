package dev.lifeline.runtime;

import dev.lifeline.instrument.InstrumentationModule;

import dev.lifeline.ganymed.GanymedModule;
import dev.lifeline.jsch.JschModule;
import dev.lifeline.sshj.SshjModule;
import dev.lifeline.trilead.TrileadModule;
import dev.lifeline.sshd.SshdModule;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** The libraries Lifeline covers, handed to instrument/: one line each (adding a library: one package and one line). */
public final class Libraries {
    private Libraries() {
    }

    public static List<InstrumentationModule> all() {
        return Collections.unmodifiableList(Arrays.<InstrumentationModule>asList(new JschModule(), new SshdModule(), new SshjModule(),
                new TrileadModule(),
                new GanymedModule()));
    }
}
