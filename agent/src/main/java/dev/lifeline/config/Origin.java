package dev.lifeline.config;

/** Where one setting came from: a file line, a system property, an environment variable, the agent argument, or the default. */
final class Origin {
    // layers: ints, not an enum, whose class premain would load with every configuration (0.2-0.3 ms)
    static final int DEFAULT_LAYER = 0;
    static final int FILE = 1;
    static final int AGENT_ARGUMENT = 2;
    static final int ENVIRONMENT = 3;
    static final int SYSTEM_PROPERTY = 4;
    static final int RUNTIME = 5;

    static final Origin DEFAULT = new Origin(DEFAULT_LAYER, null, 0, null);

    final int layer;
    final String file;
    final int line;
    final String name;

    private Origin(int layer, String file, int line, String name) {
        this.layer = layer;
        this.file = file;
        this.line = line;
        this.name = name;
    }

    static Origin file(String file, int line) {
        return new Origin(FILE, file, line, null);
    }

    static Origin fileItself(String file) {
        return new Origin(FILE, file, 0, null);
    }

    static Origin agentArgument() {
        return new Origin(AGENT_ARGUMENT, null, 0, null);
    }

    static Origin environment(String variable) {
        return new Origin(ENVIRONMENT, null, 0, variable);
    }

    static Origin systemProperty(String property) {
        return new Origin(SYSTEM_PROPERTY, null, 0, property);
    }

    /** A change made while running (a JMX operation), described as {@code what}. */
    static Origin runtime(String what) {
        return new Origin(RUNTIME, null, 0, what);
    }

    String describe() {
        if (layer == FILE) {
            return line > 0 ? file + ":" + line : file;
        }
        if (layer == AGENT_ARGUMENT) {
            return "agent argument";
        }
        if (layer == ENVIRONMENT) {
            return "environment " + name;
        }
        if (layer == SYSTEM_PROPERTY) {
            return "system property " + name;
        }
        if (layer == RUNTIME) {
            return name;
        }
        return "default";
    }
}
