package dev.lifeline.bench;

import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

/**
 * Which libraries the built agent jar covers, read from the jar as a zip, so with-agent tests for a library the agent
 * has no module for yet skip (with the reason) today and run as soon as the module lands, with no test change.
 *
 * <ul>
 *   <li>sshj: the jar has classes under {@code dev/lifeline/sshj/}.</li>
 *   <li>JGit: the jar has classes under {@code dev/lifeline/jgit/}, or its manifest's {@code Lifeline-Covers}
 *       attribute (comma-separated) names {@code jgit} (JGit runs on MINA, so its coverage may come from the sshd
 *       module, with no package of its own: the manifest entry then says so).</li>
 * </ul>
 * {@code -Dlifeline.bench.force=sshj,jgit} runs the guarded tests anyway (to see where a module stands).
 */
final class AgentCoverage {
    private AgentCoverage() {
    }

    static boolean covers(String library) {
        String force = System.getProperty("lifeline.bench.force", "");
        for (String f : force.split(",")) {
            if (f.trim().equalsIgnoreCase(library)) {
                return true;
            }
        }
        Path jar = Bench.agentJar();
        try (JarFile zip = new JarFile(jar.toFile())) {
            String prefix = "dev/lifeline/" + library + "/";
            boolean hasPackage = zip.stream().anyMatch(e -> e.getName().startsWith(prefix) && e.getName().endsWith(".class"));
            if (hasPackage) {
                return true;
            }
            String covers = zip.getManifest() == null ? null : zip.getManifest().getMainAttributes().getValue(new Attributes.Name("Lifeline-Covers"));
            if (covers != null) {
                for (String c : covers.split(",")) {
                    if (c.trim().equalsIgnoreCase(library)) {
                        return true;
                    }
                }
            }
            return false;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read " + jar, e);
        }
    }

    static boolean agentCoversSshj() {
        return covers("sshj");
    }

    static boolean agentCoversJgit() {
        return covers("jgit");
    }
}
