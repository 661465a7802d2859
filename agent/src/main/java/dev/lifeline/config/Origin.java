package dev.lifeline.config;

/** Where one setting came from: a file line, a system property, an environment variable, the agent argument, or the default. */
final class Origin {
    enum Layer { DEFAULT, FILE, AGENT_ARGUMENT, ENVIRONMENT, SYSTEM_PROPERTY, RUNTIME }

    static final Origin DEFAULT = new Origin(Layer.DEFAULT, null, 0, null);

    final Layer layer;
    final String file;
    final int line;
    final String name;

    private Origin(Layer layer, String file, int line, String name) {
        this.layer = layer;
        this.file = file;
        this.line = line;
        this.name = name;
    }

    static Origin file(String file, int line) {
        return new Origin(Layer.FILE, file, line, null);
    }

    static Origin fileItself(String file) {
        return new Origin(Layer.FILE, file, 0, null);
    }

    static Origin agentArgument() {
        return new Origin(Layer.AGENT_ARGUMENT, null, 0, null);
    }

    static Origin environment(String variable) {
        return new Origin(Layer.ENVIRONMENT, null, 0, variable);
    }

    static Origin systemProperty(String property) {
        return new Origin(Layer.SYSTEM_PROPERTY, null, 0, property);
    }

    /** A change made while running (a JMX operation), described as {@code what}. */
    static Origin runtime(String what) {
        return new Origin(Layer.RUNTIME, null, 0, what);
    }

    /** Ifs, not a switch: a switch on an enum loads a synthetic class (Origin$1), in premain whenever a setting is given. */
    String describe() {
        if (layer == Layer.FILE) {
            return line > 0 ? file + ":" + line : file;
        }
        if (layer == Layer.AGENT_ARGUMENT) {
            return "agent argument";
        }
        if (layer == Layer.ENVIRONMENT) {
            return "environment " + name;
        }
        if (layer == Layer.SYSTEM_PROPERTY) {
            return "system property " + name;
        }
        if (layer == Layer.RUNTIME) {
            return name;
        }
        return "default";
    }
}
