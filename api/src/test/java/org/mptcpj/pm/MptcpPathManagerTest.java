package org.mptcpj.pm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mptcpj.error.Errno;
import org.mptcpj.error.ErrnoException;
import org.mptcpj.testing.KernelFacts;
import org.mptcpj.testing.KernelFeatures;
import org.mptcpj.testing.NetNs;

/**
 * The in-kernel path manager against the real kernel, in a namespace of its own, with
 * {@code ip mptcp} (iproute2) as the independent witness in both directions.
 */
@Tag("kernel")
class MptcpPathManagerTest {
    @RegisterExtension
    static final PathManagerFixture NS = new PathManagerFixture();
    private static int lo;

    @BeforeAll
    static void setUp() throws Exception {
        lo = NS.pm.interfaceIndex("lo");
    }

    @BeforeEach
    void clean() throws Exception {
        NS.pm.flushEndpoints();
    }

    // ---- ip mptcp parsing ----

    /** Parses {@code ip mptcp endpoint show}: {@code ADDR [port N] id N [flags...] [dev NAME]}. */
    static List<Endpoint> ipEndpoints() throws Exception {
        List<Endpoint> out = new ArrayList<>();
        for (String line : NS.ns.ip("mptcp", "endpoint", "show").split("\n")) {
            String[] t = line.trim().split("\\s+");
            if (t.length < 2) {
                continue;
            }
            InetAddress address = InetAddress.getByName(t[0]);
            int id = -1;
            int port = 0;
            int ifIndex = 0;
            EnumSet<EndpointFlag> flags = EnumSet.noneOf(EndpointFlag.class);
            for (int i = 1; i < t.length; i++) {
                switch (t[i]) {
                    case "id" -> id = Integer.parseInt(t[++i]);
                    case "port" -> port = Integer.parseInt(t[++i]);
                    case "dev" -> ifIndex = NS.pm.interfaceIndex(t[++i]);
                    case "flags", "rawflags" -> flags.addAll(EndpointFlag.fromBits(Integer.parseInt(t[++i], 16)));
                    default -> flags.add(EndpointFlag.valueOf(t[i].toUpperCase(java.util.Locale.ROOT)));
                }
            }
            out.add(new Endpoint(id, address, port, ifIndex, flags));
        }
        out.sort(Comparator.comparingInt(Endpoint::id));
        return out;
    }

    static List<Endpoint> apiEndpoints() throws IOException {
        List<Endpoint> l = new ArrayList<>(NS.pm.endpoints());
        l.sort(Comparator.comparingInt(Endpoint::id));
        return l;
    }

    static Limits ipLimits() throws Exception {
        String[] t = NS.ns.ip("mptcp", "limits", "show").trim().split("\\s+");
        int subflows = -1;
        int accepted = -1;
        for (int i = 0; i + 1 < t.length; i += 2) {
            if (t[i].equals("subflows")) {
                subflows = Integer.parseInt(t[i + 1]);
            } else if (t[i].equals("add_addr_accepted")) {
                accepted = Integer.parseInt(t[i + 1]);
            }
        }
        return new Limits(subflows, accepted);
    }

    // ---- limits ----

    @Test
    void limitsSetThroughApiAppearInIp() throws Exception {
        NS.pm.setLimits(new Limits(3, 5));
        assertEquals(new Limits(3, 5), ipLimits());
        assertEquals(new Limits(3, 5), NS.pm.limits());
        NS.pm.setLimits(new Limits(Limits.MAX, 0));
        assertEquals(new Limits(8, 0), ipLimits());
    }

    @Test
    void limitsSetThroughIpAppearInApi() throws Exception {
        NS.ns.ip("mptcp", "limits", "set", "subflow", "2", "add_addr_accepted", "7");
        assertEquals(new Limits(2, 7), NS.pm.limits());
        assertEquals(ipLimits(), NS.pm.limits());
    }

    @Test
    void limitsOutOfRangeRejectedBeforeSending() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Limits(9, 0));
        assertTrue(e.getMessage().contains("9") && e.getMessage().contains("0..8"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Limits(0, -1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
    }

    // ---- endpoints ----

    @Test
    void endpointsAddedThroughApiAppearInIp() throws Exception {
        Endpoint a = NS.pm.addEndpoint(Endpoint.of(InetAddress.getByName("10.1.0.1"), EndpointFlag.SIGNAL));
        // a port makes the kernel listen on the address: it must be local (127.0.0.0/8 is on lo)
        Endpoint b = NS.pm.addEndpoint(new Endpoint(42, InetAddress.getByName("127.0.0.2"), 1234, lo,
                EnumSet.of(EndpointFlag.SIGNAL, EndpointFlag.BACKUP)));
        Endpoint c = NS.pm.addEndpoint(new Endpoint(7, InetAddress.getByName("2001:db8::7"), 0, 0,
                EnumSet.of(EndpointFlag.SUBFLOW, EndpointFlag.FULLMESH)));
        Endpoint d = NS.pm.addEndpoint(new Endpoint(200, InetAddress.getByName("10.1.0.4"), 0, lo,
                EnumSet.of(EndpointFlag.SUBFLOW, EndpointFlag.BACKUP)));
        assertTrue(a.id() > 0, "kernel-assigned id: " + a);
        assertEquals(new Endpoint(42, InetAddress.getByName("127.0.0.2"), 1234, lo,
                EnumSet.of(EndpointFlag.SIGNAL, EndpointFlag.BACKUP)), b);
        assertEquals(7, c.id());
        assertEquals(200, d.id());
        List<Endpoint> api = apiEndpoints();
        assertEquals(4, api.size(), api.toString());
        assertEquals(ipEndpoints(), api);
        assertEquals(b, NS.pm.getEndpoint(42));
        assertEquals(c, NS.pm.getEndpoint(7));
    }

    @Test
    void endpointsAddedThroughIpAppearInApi() throws Exception {
        NS.ns.ip("mptcp", "endpoint", "add", "10.2.0.1", "id", "3", "signal");
        NS.ns.ip("mptcp", "endpoint", "add", "127.0.0.3", "port", "4321", "signal", "backup", "dev", "lo");
        NS.ns.ip("mptcp", "endpoint", "add", "2001:db8::2", "id", "9", "subflow", "fullmesh");
        NS.ns.ip("mptcp", "endpoint", "add", "10.2.0.3", "id", "255", "subflow", "backup");
        List<Endpoint> api = apiEndpoints();
        assertEquals(4, api.size(), api.toString());
        assertEquals(ipEndpoints(), api);
        Endpoint withPort = api.stream().filter(e -> e.port() == 4321).findFirst().orElseThrow();
        assertEquals(lo, withPort.ifIndex());
        assertEquals(EnumSet.of(EndpointFlag.SIGNAL, EndpointFlag.BACKUP), withPort.flags());
        assertEquals(EnumSet.of(EndpointFlag.SUBFLOW, EndpointFlag.FULLMESH), NS.pm.getEndpoint(9).flags());
        assertEquals(InetAddress.getByName("2001:db8::2"), NS.pm.getEndpoint(9).address());
    }

    @Test
    void flushRemovesEverything() throws Exception {
        NS.pm.addEndpoint(Endpoint.of(InetAddress.getByName("10.3.0.1"), EndpointFlag.SIGNAL));
        NS.ns.ip("mptcp", "endpoint", "add", "10.3.0.2", "subflow");
        assertEquals(2, NS.pm.endpoints().size());
        NS.pm.flushEndpoints();
        assertEquals(List.of(), NS.pm.endpoints());
        assertEquals(List.of(), ipEndpoints());
    }

    @Test
    void deleteRemovesOneAndMissingIsAnError() throws Exception {
        Endpoint a = NS.pm.addEndpoint(Endpoint.of(InetAddress.getByName("10.4.0.1"), EndpointFlag.SIGNAL).withId(11));
        NS.pm.addEndpoint(Endpoint.of(InetAddress.getByName("10.4.0.2"), EndpointFlag.SIGNAL).withId(12));
        NS.pm.deleteEndpoint(a.id());
        assertEquals(List.of(12), NS.pm.endpoints().stream().map(Endpoint::id).toList());
        assertEquals(ipEndpoints(), apiEndpoints());
        ErrnoException e = assertThrows(ErrnoException.class, () -> NS.pm.deleteEndpoint(11));
        assertTrue(e.is(Errno.EINVAL) || e.is(Errno.ENOENT), e.getMessage());
        assertTrue(e.getMessage().contains("MPTCP_PM_CMD_DEL_ADDR"), e.getMessage());
        e = assertThrows(ErrnoException.class, () -> NS.pm.getEndpoint(11));
        assertTrue(e.is(Errno.EINVAL) || e.is(Errno.ENOENT), e.getMessage());
    }

    @Test
    void duplicateAddIsEexist() throws Exception {
        NS.pm.addEndpoint(Endpoint.of(InetAddress.getByName("10.5.0.1"), EndpointFlag.SIGNAL).withId(5));
        NetlinkErrorException e = assertThrows(NetlinkErrorException.class,
                () -> NS.pm.addEndpoint(Endpoint.of(InetAddress.getByName("10.5.0.1"), EndpointFlag.SIGNAL)));
        KernelFacts.record("pm_duplicate_errno", e.errnoName());
        Errno duplicate = KernelFeatures.current().has(KernelFeatures.Feature.PM_DUPLICATE_EEXIST) ? Errno.EEXIST : Errno.EINVAL;
        assertTrue(e.is(duplicate), e.getMessage());
        assertTrue(e.getMessage().contains(duplicate.name()), e.getMessage());
        // a taken id: EBUSY on Linux 6.18, EEXIST on some older kernels, EINVAL where duplicates are EINVAL
        e = assertThrows(NetlinkErrorException.class,
                () -> NS.pm.addEndpoint(Endpoint.of(InetAddress.getByName("10.5.0.2"), EndpointFlag.SIGNAL).withId(5)));
        assertTrue(duplicate == Errno.EINVAL ? e.is(Errno.EINVAL) : e.is(Errno.EEXIST) || e.is(Errno.EBUSY), e.getMessage());
        assertEquals(1, NS.pm.endpoints().size());
    }

    @Test
    void setFlagsChangesBackupAndFullmesh() throws Exception {
        NS.pm.addEndpoint(Endpoint.of(InetAddress.getByName("10.6.0.1"), EndpointFlag.SUBFLOW).withId(6));
        NS.pm.setEndpointFlags(6, EnumSet.of(EndpointFlag.BACKUP, EndpointFlag.FULLMESH));
        assertEquals(EnumSet.of(EndpointFlag.SUBFLOW, EndpointFlag.BACKUP, EndpointFlag.FULLMESH),
                NS.pm.getEndpoint(6).flags());
        assertEquals(ipEndpoints(), apiEndpoints());
        NS.pm.setEndpointFlags(6, EnumSet.of(EndpointFlag.FULLMESH));
        assertEquals(EnumSet.of(EndpointFlag.SUBFLOW, EndpointFlag.FULLMESH), NS.pm.getEndpoint(6).flags());
        NS.ns.ip("mptcp", "endpoint", "change", "id", "6", "backup");
        assertTrue(NS.pm.getEndpoint(6).flags().contains(EndpointFlag.BACKUP));
        assertThrows(IllegalArgumentException.class, () -> NS.pm.setEndpointFlags(6, EnumSet.of(EndpointFlag.SIGNAL)));
        assertThrows(ErrnoException.class, () -> NS.pm.setEndpointFlags(99, EnumSet.of(EndpointFlag.BACKUP)));
    }

    @Test
    void laminarIsAcceptedOrClearlyRefused() throws Exception {
        Endpoint want = new Endpoint(30, InetAddress.getByName("10.7.0.1"), 0, 0, EnumSet.of(EndpointFlag.LAMINAR));
        if (KernelFeatures.current().has(KernelFeatures.Feature.LAMINAR_ENDPOINT)) {
            Endpoint got = NS.pm.addEndpoint(want);
            KernelFacts.record("laminar", "accepted");
            assertEquals(want, got);
            assertEquals(ipEndpoints(), apiEndpoints()); // iproute2 6.1 prints the unknown bit as "rawflags 20"
        } else { // refused (EINVAL) or silently dropped (EOPNOTSUPP): the message names it
            ErrnoException e = assertThrows(ErrnoException.class, () -> NS.pm.addEndpoint(want));
            KernelFacts.record("laminar", "refused " + e.errnoName());
            assertTrue(e.getMessage().contains("LAMINAR"), e.getMessage());
            assertEquals(List.of(), NS.pm.endpoints());
        }
    }

    @Test
    void invalidValuesRejectedBeforeSending() throws Exception {
        InetAddress a = InetAddress.getByName("10.8.0.1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Endpoint(256, a, 0, 0, Set.of()));
        assertTrue(e.getMessage().contains("256") && e.getMessage().contains("0..255"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Endpoint(1, a, 65536, 0, Set.of()));
        assertTrue(e.getMessage().contains("65536"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NS.pm.addEndpoint(Endpoint.of(a, EndpointFlag.SIGNAL, EndpointFlag.IMPLICIT)));
        assertTrue(e.getMessage().contains("IMPLICIT"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> NS.pm.addEndpoint(Endpoint.of(a, EndpointFlag.SUBFLOW).withPort(80)));
        assertTrue(e.getMessage().contains("80"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> NS.pm.addEndpoint(Endpoint.of(InetAddress.getByName("0.0.0.0"), EndpointFlag.SIGNAL)));
        e = assertThrows(IllegalArgumentException.class, () -> NS.pm.deleteEndpoint(0));
        assertTrue(e.getMessage().contains("1..255"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NS.pm.remove(1L << 32, 1));
        assertEquals(List.of(), NS.pm.endpoints(), "nothing was sent");
    }

    @Test
    void namespacesAreSeparate() throws Exception {
        NS.pm.addEndpoint(Endpoint.of(InetAddress.getByName("10.9.0.1"), EndpointFlag.SIGNAL).withId(1));
        try (NetNs other = NetNs.create("pm"); MptcpPathManager pm2 = MptcpPathManager.open(other.name())) {
            assertEquals(List.of(), pm2.endpoints());
            assertEquals("", other.ip("mptcp", "endpoint", "show").trim());
        }
        assertEquals(1, NS.pm.endpoints().size());
    }

    @Test
    void missingNamespaceIsEnoentAndBadNamesAreRejected() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> MptcpPathManager.open("mptcpj-pm-does-not-exist"));
        assertTrue(e.is(Errno.ENOENT), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MptcpPathManager.open("../etc"));
        assertThrows(IllegalArgumentException.class, () -> MptcpPathManager.open(""));
    }

    @Test
    void closedManagerRefusesCalls() throws Exception {
        MptcpPathManager p = MptcpPathManager.open(NS.ns.name());
        p.close();
        p.close();
        assertThrows(IOException.class, p::endpoints);
    }
}
