package org.mptcpj.pm;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.mptcpj.testing.NetNs;

/**
 * A network namespace of the test class's own and the {@link MptcpPathManager} opened in it, set up
 * before the class's tests and removed after them. Register as
 * {@code @RegisterExtension static final PathManagerFixture NS = new PathManagerFixture(sysctls...)}.
 */
final class PathManagerFixture implements BeforeAllCallback, AfterAllCallback {
    private final String[] sysctls;
    /** The namespace, from before the class's {@code @BeforeAll} methods on. */
    NetNs ns;
    /** The path manager of {@link #ns}. */
    MptcpPathManager pm;

    /** @param sysctls {@code KEY=VALUE} settings made in the namespace before the path manager opens */
    PathManagerFixture(String... sysctls) {
        this.sysctls = sysctls;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ns = NetNs.create("pm");
        for (String setting : sysctls) {
            ns.exec("sysctl", "-q", "-w", setting);
        }
        pm = MptcpPathManager.open(ns.name());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (pm != null) {
            pm.close();
        }
        if (ns != null) {
            ns.close();
        }
    }
}
