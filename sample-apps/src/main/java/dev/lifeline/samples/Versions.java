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
    /** The oldest MINA lines Maven Central serves that the bench runs (issue 15): 2.7.0 is what JGit 5.13 brings. */
    public static final String SSHD_2_7 = "2.7.0";
    public static final String SSHD_2_8 = "2.8.0";
    /** sshj (issue 15): current, and an old one still found in legacy apps (BouncyCastle 1.60, eddsa 0.2.0). */
    public static final String SSHJ = "0.40.0";
    public static final String SSHJ_OLD = "0.27.0";
    /** JGit with its MINA transport (org.eclipse.jgit.ssh.apache); the set's MINA comes as sshd-osgi. */
    public static final String JGIT = "7.8.1.202611041320-r";
    /** The MINA SSHD version JGit {@link #JGIT} brings. */
    public static final String JGIT_SSHD = "2.19.0";
    /** The last Java 8 line of JGit; it brings MINA {@link #JGIT_OLD_SSHD}. */
    public static final String JGIT_OLD = "5.13.5.202508271544-r";
    public static final String JGIT_OLD_SSHD = "2.7.0";

    private Versions() {
    }
}
