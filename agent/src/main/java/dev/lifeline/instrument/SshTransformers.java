package dev.lifeline.instrument;

import dev.lifeline.jsch.JschChannelExecInstrumentation;
import dev.lifeline.jsch.JschChannelInstrumentation;
import dev.lifeline.jsch.JschSessionInstrumentation;
import dev.lifeline.sshd.SshdChannelDataInstrumentation;
import dev.lifeline.sshd.SshdChannelExecInstrumentation;
import dev.lifeline.sshd.SshdClientChannelInstrumentation;
import dev.lifeline.sshd.SshdClientInstrumentation;
import dev.lifeline.sshd.SshdCloseInstrumentation;
import dev.lifeline.sshd.SshdConnectionServiceInstrumentation;
import dev.lifeline.sshd.SshdHeartbeatInstrumentation;
import dev.lifeline.sshd.SshdLegacyConnectionServiceInstrumentation;
import dev.lifeline.sshd.SshdSessionHelperInstrumentation;
import dev.lifeline.report.Faults;
import dev.lifeline.report.Log;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static net.bytebuddy.matcher.ElementMatchers.any;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

/** Everything that touches ByteBuddy, built on the first SSH class the JVM loads. */
public final class SshTransformers {
    private SshTransformers() {
    }

    static List<TypeInstrumentation> instrumentations() {
        return Arrays.<TypeInstrumentation>asList(new JschSessionInstrumentation(), new JschChannelInstrumentation(),
                new JschChannelExecInstrumentation(), new SshdConnectionServiceInstrumentation(),
                new SshdLegacyConnectionServiceInstrumentation(), new SshdHeartbeatInstrumentation(),
                new SshdSessionHelperInstrumentation(), new SshdClientInstrumentation(), new SshdClientChannelInstrumentation(),
                new SshdChannelExecInstrumentation(), new SshdChannelDataInstrumentation(), new SshdCloseInstrumentation());
    }

    /**
     * Advice classes are read as class files from the agent's own class loader. Every advice method suppresses what it
     * throws ({@code suppress = Throwable.class}); the handler inlined with it hands the throwable to
     * {@link Faults#suppressed(Throwable)}, so Lifeline's own failures are counted ({@code internalErrors}) and logged
     * instead of silently dropped, and the application still never sees them.
     */
    public static AgentBuilder.Transformer.ForAdvice advice() {
        return new AgentBuilder.Transformer.ForAdvice().include(SshTransformers.class.getClassLoader())
                .withExceptionHandler(SUPPRESSED);
    }

    static final Advice.ExceptionHandler SUPPRESSED = suppressedHandler();

    private static Advice.ExceptionHandler suppressedHandler() {
        try {
            return new Advice.ExceptionHandler.Simple(MethodInvocation.invoke(
                    new MethodDescription.ForLoadedMethod(Faults.class.getMethod("suppressed", Throwable.class))));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    static ClassFileTransformer build() {
        // advice only adds code to methods a type declares: no method graph of the hierarchy (DECORATE, declared
        // methods only), which would parse every supertype of MINA's deep class trees on the first connect
        AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED)
                .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE))
                .disableClassFormatChanges()
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.PoolStrategy.Default.FAST)
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(new ReportingListener())
                .ignore(not(nameStartsWith("com.jcraft.jsch.").or(nameStartsWith("org.apache.sshd."))));
        // several instrumentations may serve one type, one per library line: unsupported only if none fits
        Map<String, ElementMatcher.Junction<ClassLoader>> anyLine = new LinkedHashMap<String, ElementMatcher.Junction<ClassLoader>>();
        Map<String, String> why = new LinkedHashMap<String, String>();
        for (TypeInstrumentation ti : instrumentations()) {
            ElementMatcher.Junction<ClassLoader> library = libraryHas(ti.libraryRequirement());
            builder = builder.type(named(ti.typeName()).and(ti.supported()), SEES_AGENT.and(library)).transform(ti.transformer())
                    .type(named(ti.typeName()).and(not(ti.supported())))
                    .transform(new LeaveAlone(ti.typeName(), "members Lifeline needs are missing"))
                    .type(named(ti.typeName()), not(SEES_AGENT))
                    .transform(new LeaveAlone(ti.typeName(), "its class loader cannot see the agent (isolated loader)"));
            ElementMatcher.Junction<ClassLoader> before = anyLine.get(ti.typeName());
            anyLine.put(ti.typeName(), before == null ? library : before.or(library));
            if (ti.libraryRequirement() != null) {
                why.put(ti.typeName(), ti.libraryRequirement().description);
            }
        }
        for (Map.Entry<String, ElementMatcher.Junction<ClassLoader>> e : anyLine.entrySet()) {
            if (why.containsKey(e.getKey())) {
                builder = builder.type(named(e.getKey()), not(e.getValue()))
                        .transform(new LeaveAlone(e.getKey(), why.get(e.getKey())));
            }
        }
        return builder.makeRaw();
    }

    /**
     * Inlined advice calls Lifeline's helpers by name, so the library's class loader must resolve them to this very
     * agent. Otherwise the advice would only fail (suppressed) at run time: better to leave the class untouched.
     */
    static final ElementMatcher.Junction<ClassLoader> SEES_AGENT = new ElementMatcher.Junction.AbstractBase<ClassLoader>() {
        @Override
        public boolean matches(ClassLoader loader) {
            try {
                return Class.forName(SshTransformers.class.getName(), false, loader) == SshTransformers.class;
            } catch (Throwable t) {
                return false;
            }
        }
    };

    static ElementMatcher.Junction<ClassLoader> libraryHas(final LibraryRequirement requirement) {
        if (requirement == null) {
            return any();
        }
        return new ElementMatcher.Junction.AbstractBase<ClassLoader>() {
            @Override
            public boolean matches(ClassLoader loader) {
                try {
                    TypePool pool = TypePool.Default.of(ClassFileLocator.ForClassLoader.of(loader));
                    TypePool.Resolution r = pool.describe(requirement.className);
                    return r.isResolved()
                            && !r.resolve().getDeclaredFields().filter(named(requirement.fieldName)).isEmpty()
                            && (requirement.absentFieldName == null
                            || r.resolve().getDeclaredFields().filter(named(requirement.absentFieldName)).isEmpty());
                } catch (Throwable t) {
                    return false;
                }
            }
        };
    }

    /** A type we know by name that advice must not touch: say why once per library and loader, change nothing. */
    static final class LeaveAlone implements AgentBuilder.Transformer {
        private final String typeName;
        private final String reason;

        LeaveAlone(String typeName, String reason) {
            this.typeName = typeName;
            this.reason = reason;
        }

        @Override
        public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
                                                ClassLoader loader, JavaModule module, ProtectionDomain protectionDomain) {
            // once per library copy: an operator needs to know the library is unprotected, not each class's name
            String library = typeName.substring(0, Math.max(0, typeName.lastIndexOf('.')));
            Log.warnOnce("unsupported:" + library + ":" + reason + "@" + System.identityHashCode(loader),
                    "instrumentation.unsupported", "library", library, "class", typeName, "reason", reason,
                    "action", "left unchanged");
            return builder;
        }
    }

    /** Failures inside ByteBuddy leave the class as it was, with one log line. */
    static final class ReportingListener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                                     DynamicType dynamicType) {
            Log.debug("instrumentation.applied", "class", type.getName());
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable t) {
            Log.warnOnce("error:" + typeName, "instrumentation.skipped", "class", typeName,
                    "reason", "library version not supported", "error", t);
        }
    }
}
