package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mptcpj.testing.UnchangedServer;

/**
 * The JDK's own web server ({@code java -m jdk.httpserver}, com.sun.net.httpserver), unchanged,
 * serves over MPTCP with JVM options only (MptcpSelectorProvider); the same server without them is
 * TCP, so the checks can fail. The client is the library's MPTCP socket: its connection is
 * multipath only if the server's socket is MPTCP too; ss -M lists the server's listener only then.
 */
class UnchangedServerTest {
    @Test
    void jdkHttpServerOverMptcpWithJvmOptionsOnly() throws Exception {
        UnchangedServer.Result with = UnchangedServer.jdkHttpServerHello(UnchangedServer.providerOptions(true));
        assertTrue(with.multipath() && with.mptcpListed(), "with the provider: " + with);
        assertTrue(with.response().startsWith("HTTP/1.1 200") && with.response().endsWith(UnchangedServer.HELLO),
                with.response());
        UnchangedServer.Result without = UnchangedServer.jdkHttpServerHello(UnchangedServer.providerOptions(false));
        assertEquals(false, without.multipath() || without.mptcpListed(), "without the provider: " + without);
    }
}
