package org.mptcpj.samples.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mptcpj.testing.UnchangedServer;

/**
 * Jetty 12 from Maven Central, unchanged, serves over MPTCP with JVM options only
 * (MptcpSelectorProvider); without them it is TCP, so the checks can fail.
 */
class JettyOverMptcpTest {
    @Test
    void jettyOverMptcpWithJvmOptionsOnly() throws Exception {
        List<String> server = List.of(HelloJetty.class.getName());
        UnchangedServer.Result with = UnchangedServer.get(true, server, "/");
        assertTrue(with.multipath() && with.mptcpListed(), "with the provider: " + with);
        assertTrue(with.response().startsWith("HTTP/1.1 200") && with.response().endsWith("hello from Jetty\n"),
                with.response());
        UnchangedServer.Result without = UnchangedServer.get(false, server, "/");
        assertEquals(false, without.multipath() || without.mptcpListed(), "without the provider: " + without);
    }
}
