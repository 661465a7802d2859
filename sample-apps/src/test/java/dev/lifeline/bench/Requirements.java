package dev.lifeline.bench;

import org.junit.jupiter.api.Assumptions;

/** Tests that need root, sshd or nft skip with a reason on a developer's machine; in CI ({@code CI=true}) they fail. */
final class Requirements {
    private Requirements() {
    }

    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    static void require(boolean met, String why) {
        if (met) {
            return;
        }
        if (inCi()) {
            throw new AssertionError("CI must be able to run this test, but: " + why + " (.ci/run installs it)");
        }
        Assumptions.assumeTrue(false, "skipped: " + why);
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
