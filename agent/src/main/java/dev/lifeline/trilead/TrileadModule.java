package dev.lifeline.trilead;

import dev.lifeline.ssh2family.Ssh2Library;
import dev.lifeline.ssh2family.Ssh2Module;

/**
 * Trilead SSH-2 ({@code com.trilead.ssh2}): {@code 1.0.0-build222} from Maven and Jenkins' fork
 * ({@code build217-jenkins-8}, Debian's {@code libjenkins-trilead-ssh2-java}), one package, so one module covering
 * both copies (the shape check looks at each copy's own class files). What it does is the family's
 * ({@link Ssh2Module}); Trilead's most specific {@code connect} takes connect, read and kex timeouts.
 */
public final class TrileadModule extends Ssh2Module {
    static final String NAME = "trilead";
    static final String PACKAGE = "com.trilead.ssh2";

    public TrileadModule() {
        super(NAME, PACKAGE, "III", "(Ljava/lang/String;)V");
    }

    @Override
    protected Ssh2Library lib() {
        return TrileadHooks.LIBRARY;
    }

    @Override
    public Class<?> hookClass() {
        return TrileadHooks.class;
    }
}
