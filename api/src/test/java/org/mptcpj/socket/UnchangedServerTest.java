package org.mptcpj.socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        Path dir = Files.createTempDirectory("mptcpj-www");
        Files.writeString(dir.resolve("hello.txt"), "hello over MPTCP\n");
        try {
            List<String> server = List.of("-m", "jdk.httpserver", "-b", "127.0.0.1", "-p", "0", "-d", dir.toString());
            UnchangedServer.Result with = UnchangedServer.get(true, server, "/hello.txt");
            assertTrue(with.multipath() && with.mptcpListed(), "with the provider: " + with);
            assertTrue(with.response().startsWith("HTTP/1.1 200") && with.response().endsWith("hello over MPTCP\n"),
                    with.response());
            UnchangedServer.Result without = UnchangedServer.get(false, server, "/hello.txt");
            assertEquals(false, without.multipath() || without.mptcpListed(), "without the provider: " + without);
        } finally {
            Files.delete(dir.resolve("hello.txt"));
            Files.delete(dir);
        }
    }
}
