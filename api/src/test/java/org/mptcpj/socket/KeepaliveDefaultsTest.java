package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mptcpj.option.Keepalive;
import org.mptcpj.option.Options;
import org.mptcpj.testing.NetNs;

/**
 * The system keepalive defaults are per network namespace and may exceed what setsockopt accepts
 * (tcp_keepalive_time and _intvl up to INT_MAX/HZ s, tcp_keepalive_probes up to 255): reading them
 * through {@code keepalive()} must work, and writing such a value back must be rejected before any
 * call. The namespace's sysctl values, read with {@code sysctl -n}, are the witness.
 */
class KeepaliveDefaultsTest {
    @ParameterizedTest
    @EnumSource(value = MptcpPolicy.class, names = {"REQUIRED", "DISABLED"})
    void systemDefaultsBeyondTheSettableBoundsAreReadNotRejected(MptcpPolicy policy) throws Exception {
        try (NetNs ns = NetNs.create("kadefaults")) {
            ns.exec("sysctl", "-qw", "net.ipv4.tcp_keepalive_time=40000", "net.ipv4.tcp_keepalive_intvl=33000",
                    "net.ipv4.tcp_keepalive_probes=200");
            long time = Long.parseLong(ns.exec("sysctl", "-n", "net.ipv4.tcp_keepalive_time").trim());
            long intvl = Long.parseLong(ns.exec("sysctl", "-n", "net.ipv4.tcp_keepalive_intvl").trim());
            int probes = Integer.parseInt(ns.exec("sysctl", "-n", "net.ipv4.tcp_keepalive_probes").trim());
            try (StreamSocket s = ns.call(() -> StreamSocket.open(policy, StandardProtocolFamily.INET))) {
                Keepalive k = s.keepalive();
                assertEquals(new Keepalive(false, Duration.ofSeconds(time), Duration.ofSeconds(intvl), probes), k);
                assertTrue(k.idle().getSeconds() > Options.MAX_KEEPIDLE && k.count() > Options.MAX_KEEPCNT, k.toString());

                Keepalive on = new Keepalive(true, k.idle(), k.interval(), k.count());
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.setKeepalive(on));
                assertTrue(e.getMessage().contains("TCP_KEEPIDLE") && e.getMessage().contains("40000")
                        && e.getMessage().contains("1..32767"), e.getMessage());
                assertFalse(s.getOption(Options.SO_KEEPALIVE), "nothing may be set when a value is rejected");
                assertEquals(k, s.keepalive());
            }
        }
    }
}
