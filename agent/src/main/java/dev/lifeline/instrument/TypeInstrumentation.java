package dev.lifeline.instrument;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/** One instrumented library type: which type, which members our advice needs, and which advice goes where. */
public interface TypeInstrumentation {
    /** Matched by name: a cheap test that never loads the class. */
    String typeName();

    /**
     * The fields and methods the advice touches. A type with the right name that lacks them (a library version we
     * do not know) is left exactly as it is, with one log line, never half-instrumented.
     */
    ElementMatcher<TypeDescription> supported();

    /**
     * What the library around the type must have (checked on class files of the type's loader, nothing loaded).
     * Null when the type's own members suffice.
     */
    LibraryRequirement libraryRequirement();

    /** Start from {@link SshTransformers#advice()} so advice classes are found wherever the agent was loaded. */
    AgentBuilder.Transformer transformer();
}
