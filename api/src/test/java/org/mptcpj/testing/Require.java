package org.mptcpj.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Preconditions of tests that need something of the machine (gcc, root, namespaces). On a
 * developer's laptop an unmet one skips the test with its reason; with {@code CI=true} it fails,
 * because in CI a skip would hide a test that never ran.
 */
public final class Require {
    private Require() {
    }

    /** Skips (or, in CI, fails) unless {@code condition} holds. */
    public static void that(boolean condition, String reason) {
        if (condition) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            fail("CI=true, so this cannot be skipped: " + reason);
        }
        assumeTrue(false, reason);
    }

    /** {@return whether the process runs as root (namespaces, sysctls, path-manager writes)} */
    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
