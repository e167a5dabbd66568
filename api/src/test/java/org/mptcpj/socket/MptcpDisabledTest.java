package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.mptcpj.error.MptcpUnavailableException;
import org.mptcpj.testing.NetNs;

/** Both policies in a namespace where MPTCP is switched off ({@code net.mptcp.enabled=0}). */
@Tag("kernel")
class MptcpDisabledTest {
    @Test
    void requiredFailsSayingWhyAndPreferredFallsBack() throws Exception {
        try (NetNs ns = NetNs.create("nomptcp")) {
            ns.exec("sysctl", "-qw", "net.mptcp.enabled=0");
            MptcpUnavailableException e = ns.call(() -> assertThrows(MptcpUnavailableException.class,
                    () -> StreamSocket.open(MptcpPolicy.REQUIRED, StandardProtocolFamily.INET)));
            assertEquals("ENOPROTOOPT", e.errnoName());
            assertTrue(e.getMessage().contains("net.mptcp.enabled=0"), e.getMessage());

            String refusal = ns.call(() -> {
                try (StreamSocket s = StreamSocket.open(MptcpPolicy.PREFERRED, StandardProtocolFamily.INET6)) {
                    assertFalse(s.isMptcp());
                    return s.mptcpRefusal().orElseThrow();
                }
            });
            assertTrue(refusal.contains("net.mptcp.enabled=0") && refusal.contains("ENOPROTOOPT"), refusal);
        }
    }
}
