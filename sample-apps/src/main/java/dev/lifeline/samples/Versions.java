package dev.lifeline.samples;

/** Library versions copied into {@code sample-apps/target/libs/<name>-<version>/} by the build (see the pom). */
public final class Versions {
    public static final String JSCH_MWIEDE = "2.28.8";
    public static final String JSCH_MWIEDE_OLD = "0.2.20";
    public static final String JSCH_JCRAFT = "0.1.55";
    public static final String SSHD = "2.20.0";
    public static final String SSHD_OLD = "2.14.0";
    /** The 2.9-2.12 line: heartbeats wait for each reply instead of counting missing ones. */
    public static final String SSHD_LEGACY = "2.12.1";

    private Versions() {
    }
}
