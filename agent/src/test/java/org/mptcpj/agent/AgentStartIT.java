package org.mptcpj.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mptcpj.testing.UnchangedServer;

/**
 * The packaged agent with a real unchanged server (the JDK's {@code java -m jdk.httpserver}, as
 * {@code UnchangedServerTest} runs it with the provider): the agent alone makes it serve over MPTCP.
 * A bad argument stops the JVM with one message and exit status 1, before {@code main}.
 */
class AgentStartIT {
    @Test
    void jdkHttpServerServesOverMptcpWithTheAgentOnly() throws Exception {
        Path dir = Files.createTempDirectory("mptcpj-www");
        Files.writeString(dir.resolve("hello.txt"), "hello over MPTCP\n");
        try {
            UnchangedServer.Result r = UnchangedServer.get(
                    List.of("-javaagent:" + System.getProperty("mptcpj.agent.jar") + "=policy=REQUIRED", "--enable-native-access=ALL-UNNAMED"),
                    List.of("-m", "jdk.httpserver", "-b", "127.0.0.1", "-p", "0", "-d", dir.toString()), "/hello.txt");
            assertTrue(r.multipath() && r.mptcpListed(), "with the agent: " + r);
            assertTrue(r.response().startsWith("HTTP/1.1 200") && r.response().endsWith("hello over MPTCP\n"), r.response());
        } finally {
            Files.delete(dir.resolve("hello.txt"));
            Files.delete(dir);
        }
    }

    @Test
    void aBadArgumentStopsTheJvmWithOneMessage() throws Exception {
        Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-javaagent:" + System.getProperty("mptcpj.agent.jar") + "=policy=FAST", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), KeepaliveNioServer.class.getName(), "option")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out);
        assertEquals("mptcpj-agent: policy=FAST is not a policy: "
                + "-javaagent:mptcpj-agent.jar[=policy=PREFERRED|REQUIRED|DISABLED,scope=listeners|all]\n", out);
    }
}
