package org.mptcpj.pm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mptcpj.bindings.linux.Linux;
import org.mptcpj.testing.ChildJvm;
import org.mptcpj.testing.Require;

/**
 * Without {@code CAP_NET_ADMIN} the path manager's write commands fail with a
 * {@link NetlinkErrorException} carrying {@code EPERM} and a message saying which capability is
 * missing, while read-only commands still work. A child JVM ({@link NoNetAdminProbe}) runs with the
 * capability removed from its bounding, inheritable and ambient sets ({@code setpriv}, or
 * {@code capsh} when there is no setpriv): as root keeps every capability through {@code execve}
 * unless the bounding set is reduced. It keeps {@code CAP_SYS_ADMIN} to enter the namespace.
 */
class PermissionTest {
    @RegisterExtension
    static final PathManagerFixture NS = new PathManagerFixture();

    private static final List<String> WRITES =
            List.of("addEndpoint", "setLimits", "setEndpointFlags", "deleteEndpoint", "createSubflow", "flushEndpoints");

    /** The command prefix that runs what follows without CAP_NET_ADMIN. */
    private static List<String> dropNetAdmin() {
        if (Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
            return List.of("/usr/bin/setpriv", "--inh-caps=-net_admin", "--ambient-caps=-net_admin",
                    "--bounding-set=-net_admin");
        }
        if (Files.isExecutable(Path.of("/usr/sbin/capsh"))) {
            return List.of("/usr/sbin/capsh", "--drop=cap_net_admin", "--", "-c", "exec \"$0\" \"$@\"");
        }
        Require.that(false, "neither setpriv (util-linux) nor capsh (libcap) is installed");
        throw new AssertionError("unreachable");
    }

    @Test
    void writesFailWithEpermAndAClearMessageReadsWork() throws Exception {
        Require.that(Require.isRoot(), "dropping a capability in a child needs root to have it first");
        Endpoint existing = NS.pm.addEndpoint(new Endpoint(0, InetAddress.getByName("10.99.0.2"), 0, 0,
                EnumSet.of(EndpointFlag.SUBFLOW)));
        Limits limits = new Limits(3, 4);
        NS.pm.setLimits(limits);

        String out = ChildJvm.run(dropNetAdmin(), NoNetAdminProbe.class, NS.ns.name());

        Map<String, String[]> results = new HashMap<>();
        String capEff = null;
        for (String line : out.split("\n")) {
            String[] f = line.split("\t");
            if (f[0].equals("CAPEFF")) {
                capEff = f[1];
            } else if (f[0].equals("RESULT")) {
                results.put(f[1], f);
            }
        }
        assertNotNull(capEff, out);
        long caps = Long.parseUnsignedLong(capEff, 16);
        assertEquals(0, caps >>> 12 & 1, "the child still has CAP_NET_ADMIN:\n" + out);
        assertEquals(1, caps >>> 21 & 1, "the child lost CAP_SYS_ADMIN (needed for setns):\n" + out);

        // read-only commands work and see the namespace's state
        String[] l = results.get("limits");
        assertEquals("OK", l[2], out);
        assertEquals(limits.toString(), l[3], out);
        String[] e = results.get("endpoints");
        assertEquals("OK", e[2], out);
        assertEquals(List.of(existing).toString(), e[3], out);

        // every write command: NetlinkErrorException, EPERM, a message naming the capability and the lack of it
        for (String op : WRITES) {
            String[] r = results.get(op);
            assertNotNull(r, op + " missing in:\n" + out);
            assertEquals("FAIL", r[2], op + ": " + String.join(" ", r));
            assertEquals(NetlinkErrorException.class.getName(), r[3], op + ": " + String.join(" ", r));
            assertEquals(Linux.EPERM(), Integer.parseInt(r[4]), op + ": " + String.join(" ", r));
            String message = r[5];
            assertTrue(message.startsWith("netns " + NS.ns.name() + ": MPTCP_PM_CMD_"), message);
            assertTrue(message.contains("failed: EPERM (1): Operation not permitted"), message);
            assertTrue(message.contains("changing the path manager needs CAP_NET_ADMIN over the network namespace, "
                    + "which this process lacks"), message);
        }

        // and nothing changed
        assertEquals(limits, NS.pm.limits());
        assertEquals(List.of(existing), NS.pm.endpoints());
    }

    @Test
    void hintOnlyForEperm() throws IOException {
        assertEquals(null, MptcpPathManager.permHint(Linux.EINVAL()));
        String hint = MptcpPathManager.permHint(Linux.EPERM());
        assertTrue(hint.startsWith("changing the path manager needs CAP_NET_ADMIN"), hint);
        if (Require.isRoot()) {
            assertTrue(hint.contains("this process has CAP_NET_ADMIN, but not in the user namespace"), hint);
        }
    }
}
